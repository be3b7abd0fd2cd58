// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: a next<...> state has no in_state<...> rule of its own
// expect: Step::running
#include <mailbox/endpoint.hpp>
#include <mailbox/mailbox.hpp>

#include <cstdint>

enum class Step : std::int32_t { idle, ready, staged, running, done, off };
using Frame = mailbox::layout<mailbox::state<"state", Step>, mailbox::field<"error", std::int32_t>>;
using Worker = mailbox::protocol<
    Frame, mailbox::in_state<Step::idle, mailbox::owner<"parent">, mailbox::next<Step::ready>>,
    mailbox::in_state<Step::ready, mailbox::owner<"child">, mailbox::next<Step::running, Step::done>>,
#if !defined(MAILBOX_COMPILE_FAIL)
    mailbox::in_state<Step::running, mailbox::owner<"child">, mailbox::next<Step::done>>,
#endif
    mailbox::in_state<Step::done, mailbox::owner<"parent">, mailbox::next<Step::idle>>>;

int main() { return mailbox::to_dot<Worker>().empty() ? 1 : 0; }
