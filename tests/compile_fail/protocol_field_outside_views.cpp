// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: the field belongs to an overlay that this state's views<...> do not allow
// expect: 'a', 'r', 'g', '0'
// expect: Step::request
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
  const mailbox::endpoint<Worker, "child"> child(mailbox::Mailbox<Frame>::initialize(memory, Step::request));
  auto t = child.acquire<Step::request>();
#if defined(MAILBOX_COMPILE_FAIL)
  t.set<"arg0">(7);  // arg0 is in the control overlay; request views task only
#else
  t.span<"words">()[0] = 7;
#endif
  std::move(t).publish<Step::reply>();
  return 0;
}
