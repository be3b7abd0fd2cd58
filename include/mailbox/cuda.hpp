// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// CUDA: the same mailbox::Mailbox<Layout> and token in __device__ code, and
// host-side helpers for regions both a kernel and the host reach. Not
// included by <mailbox/mailbox.hpp>.
//
// In a file that nvcc compiles (-std=c++20 --expt-relaxed-constexpr, sm_70
// or newer), device code constructs a Mailbox from a std::span<std::byte>
// as host code does and gets try_acquire, acquire, publish, get, set, span,
// text, set_text, state, valid_state, flags and try_transition, plus
// cuda::acquire_for (a bounded wait) and cuda::attach_array_with_header. The state
// word is accessed with ld.acquire.sys / st.release.sys (system scope), so a
// kernel and a host thread meet on mapped pinned memory; a layout wrapped in
// cuda::gpu_scope<...> uses .gpu instead, for block-to-block mailboxes in
// device memory. A bad region or a misused token traps with a message.
//
// In any file (g++ too, linked with the CUDA runtime): cuda::mapped_region,
// cuda::device_region, cuda::device_count and cuda::cuda_error.
// See docs/cuda.md.
#pragma once

#if defined(__CUDACC__) && !defined(__CUDACC_RELAXED_CONSTEXPR__)
#error \
    "<mailbox/cuda.hpp> needs nvcc --expt-relaxed-constexpr: device code calls std::span, std::optional and std::bit_cast, whose members are constexpr host functions"
#endif

#include "abi.hpp"
#include "array.hpp"
#include "cuda/region.hpp"
#include "cuda/scope.hpp"
#include "fingerprint.hpp"
#include "layout.hpp"
#include "token.hpp"
#include "view.hpp"
#if defined(__CUDACC__)
#include "cuda/device.hpp"
#include "cuda/ptx.hpp"
#include "cuda/state_word.hpp"
#endif

namespace mailbox {
inline namespace MAILBOX_ABI_NAMESPACE {
namespace cuda {

// A block-to-block mailbox in device memory: Mailbox<gpu_scope<Layout>>.
template <class Layout>
using gpu_mailbox = Mailbox<gpu_scope<Layout>>;

}  // namespace cuda
}  // namespace MAILBOX_ABI_NAMESPACE
}  // namespace mailbox
