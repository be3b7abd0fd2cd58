// A token reaches only the layout's payload fields, in device code as on the
// host: a name the layout lacks does not compile.
#include <mailbox/cuda.hpp>

#include <cstdint>

enum class Turn : std::uint32_t { empty, full };
using Layout = mailbox::layout<mailbox::field<"value", std::uint32_t>, mailbox::state<"state", Turn>>;
using Box = mailbox::Mailbox<Layout>;

__global__ void produce(Box box) {
  auto token = box.acquire(Turn::empty);
#if defined(MAILBOX_COMPILE_FAIL)
  token.set<"valeu">(1u);
#else
  token.set<"value">(1u);
#endif
  std::move(token).publish(Turn::full);
}

// expect: no instance of function template
// expect: token<Layout>::set
// expect: argument types are: (unsigned int)
