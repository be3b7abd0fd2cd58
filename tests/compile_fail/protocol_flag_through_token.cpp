// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: a flag is not reachable through a token
// expect: 's', 'h', 'u', 't', 'd', 'o', 'w', 'n'
#include <mailbox/mailbox.hpp>

#include <cstdint>

enum class Step : std::int32_t { idle, request, reply, off };
using Frame = mailbox::layout<mailbox::state<"state", Step>, mailbox::field<"error", std::int32_t>,
                              mailbox::overlay<"control", mailbox::field<"arg0", std::uint64_t>,
                                               mailbox::field<"result", std::uint64_t>>,
                              mailbox::overlay<"task", mailbox::field<"words", std::uint64_t[4]>>,
                              mailbox::flag<"shutdown", std::int32_t>>;
using Worker = mailbox::protocol<
    Frame,
    mailbox::in_state<Step::idle, mailbox::owner<"parent">, mailbox::views<"task", "control">,
                      mailbox::next<Step::request, Step::off>>,
    mailbox::in_state<Step::request, mailbox::owner<"child">, mailbox::views<"task">,
                      mailbox::next<Step::reply>>,
    mailbox::in_state<Step::reply, mailbox::owner<"parent">, mailbox::views<"control">,
                      mailbox::next<Step::idle>>,
    mailbox::in_state<Step::off>>;

int main() {
  alignas(Frame::alignment) std::byte memory[Frame::size];
  const auto box = mailbox::Mailbox<Frame>::initialize(memory, Step::idle);
  const mailbox::endpoint<Worker, "parent"> parent(box);
  auto t = parent.acquire<Step::idle>();
#if defined(MAILBOX_COMPILE_FAIL)
  t.set<"shutdown">(1);  // a flag: outside the token discipline
#else
  box.raise<"shutdown">();
#endif
  std::move(t).publish<Step::off>();
  return 0;
}
