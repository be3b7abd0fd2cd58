// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The scope of a mailbox's state word in CUDA device code, and
// cuda::gpu_scope<Layout>, the same layout with GPU scope. Plain C++: the
// host helpers (region.hpp) use it in files that g++ compiles too.
#pragma once

#include "../abi.hpp"
#include "../layout.hpp"

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {
namespace cuda {

// Which threads the state word's accesses order a mailbox's payload for.
//   system: every thread of the program, the host's included (.sys): a
//           kernel and a host thread meet on mapped pinned host memory.
//   gpu:    the threads of one GPU (.gpu): block-to-block mailboxes in
//           device memory, cheaper because nothing leaves the GPU. A host
//           thread must not use such a mailbox while a kernel does.
enum class scope : unsigned char { system, gpu };

// The layout Layout, its state word and flags accessed at GPU scope in
// device code: Mailbox<cuda::gpu_scope<Layout>> is a block-to-block mailbox
// in device memory. The same bytes, offsets and fingerprint as Layout;
// host code sees no difference.
template <class Layout>
struct gpu_scope : Layout {
  static constexpr scope device_scope = scope::gpu;
};

// The scope of a layout's state word in device code: system, unless the
// layout says otherwise (gpu_scope<Layout> says gpu).
template <class Layout>
inline constexpr scope scope_of = [] {
  if constexpr (requires { Layout::device_scope; }) {
    return Layout::device_scope;
  } else {
    return scope::system;
  }
}();

// The layout under a gpu_scope<...>, or Layout itself.
template <class Layout>
struct unscoped {
  using type = Layout;
};
template <class Layout>
struct unscoped<gpu_scope<Layout>> {
  using type = Layout;
};
template <class Layout>
using unscoped_t = typename unscoped<Layout>::type;

}  // namespace cuda

// gpu_scope<Layout> is a layout wherever Layout is one.
template <class Layout>
inline constexpr bool is_layout_v<cuda::gpu_scope<Layout>> = is_layout_v<Layout>;

}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
