// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: the role does not own this state
// expect: Step::ready
#include <mailbox/endpoint.hpp>
#include <mailbox/mailbox.hpp>

#include <cstdint>

enum class Step : std::int32_t { idle, ready, staged, running, done, off };
using Frame = mailbox::layout<mailbox::state<"state", Step>, mailbox::field<"error", std::int32_t>>;
using Worker = mailbox::protocol<
    Frame, mailbox::in_state<Step::idle, mailbox::owner<"parent">, mailbox::next<Step::ready, Step::off>>,
    mailbox::in_state<Step::ready, mailbox::owner<"child">, mailbox::next<Step::staged, Step::done>>,
    mailbox::in_state<Step::staged, mailbox::owner<"parent", "child">,
                      mailbox::next<Step::running, Step::done>>,
    mailbox::in_state<Step::running, mailbox::owner<"child">, mailbox::next<Step::done>>,
    mailbox::in_state<Step::done, mailbox::owner<"parent">, mailbox::next<Step::idle>>,
    mailbox::in_state<Step::off>>;

int main() {
  alignas(Frame::alignment) std::byte memory[Frame::size];
  const mailbox::endpoint<Worker, "parent"> parent(mailbox::Mailbox<Frame>::initialize(memory, Step::ready));
#if defined(MAILBOX_COMPILE_FAIL)
  auto t = parent.try_acquire<Step::ready>();  // the child owns ready
#else
  auto t = parent.try_acquire<Step::done>();
#endif
  return t.has_value() ? 1 : 0;
}
