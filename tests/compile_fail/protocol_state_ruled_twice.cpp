// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile.
// expect: a state is ruled by more than one in_state<...>
// expect: Step::done
#include <mailbox/endpoint.hpp>
#include <mailbox/mailbox.hpp>

#include <cstdint>

enum class Step : std::int32_t { idle, ready, staged, running, done, off };
using Frame = mailbox::layout<mailbox::state<"state", Step>, mailbox::field<"error", std::int32_t>>;
using Worker =
    mailbox::protocol<Frame,
                      mailbox::in_state<Step::idle, mailbox::owner<"parent">, mailbox::next<Step::done>>,
                      mailbox::in_state<Step::done, mailbox::owner<"parent">, mailbox::next<Step::idle>>
#if defined(MAILBOX_COMPILE_FAIL)
                      ,
                      mailbox::in_state<Step::done, mailbox::owner<"child">, mailbox::next<Step::idle>>
#endif
                      >;

int main() { return mailbox::protocol_fingerprint<Worker> == 0 ? 1 : 0; }
