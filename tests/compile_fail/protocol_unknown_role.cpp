// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile. No role is
// close to "worker", so the message lists the protocol's roles.
// expect: no state of the protocol has this role among its owner<...>
// expect: no_role_named<'w', 'o', 'r', 'k', 'e', 'r'>::roles_are<
// expect: ::roles_are<'p', 'a', 'r', 'e', 'n', 't', ',', ' ', 'c', 'h', 'i', 'l', 'd'>
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

#if defined(MAILBOX_COMPILE_FAIL)
using Side = mailbox::endpoint<Worker, "worker">;  // the protocol says "child"
#else
using Side = mailbox::endpoint<Worker, "child">;
#endif

int main() {
  alignas(Frame::alignment) std::byte memory[Frame::size];
  const Side side(mailbox::Mailbox<Frame>::initialize(memory, Step::ready));
  return side.state() == Step::ready ? 0 : 1;
}
