// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Compile-fail case: built with MAILBOX_COMPILE_FAIL it must fail with the
// message below; built without, the corrected twin must compile. offset_of
// and type_of reach every member (the state word and flags too), and the
// closest one is suggested.
// expect: no_field_named<'r', 'e', 's', 'l', 't'>::did_you_mean<'r', 'e', 's', 'u', 'l', 't'>
// expect-gcc: known_name<has<Name>, Unknown>
// expect-clang: constraints not satisfied for variable template 'offset_of'
#include <mailbox/mailbox.hpp>

#include <cstddef>
#include <cstdint>

enum class Step : std::int32_t { idle, busy };
using Frame = mailbox::layout<mailbox::state<"state", Step>, mailbox::field<"error", std::int32_t>,
                              mailbox::field<"result", std::uint64_t>>;

#if defined(MAILBOX_COMPILE_FAIL)
constexpr std::size_t where = Frame::offset_of<"reslt">;
#else
constexpr std::size_t where = Frame::offset_of<"result">;
#endif

int main() { return where == 8 ? 0 : 1; }
