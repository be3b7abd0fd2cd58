// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The umbrella header of the mailbox library.
#pragma once

#include "arch.hpp"          // IWYU pragma: export
#include "array.hpp"         // IWYU pragma: export
#include "endpoint.hpp"      // IWYU pragma: export
#include "export.hpp"        // IWYU pragma: export
#include "fingerprint.hpp"   // IWYU pragma: export
#include "frame_set.hpp"     // IWYU pragma: export
#include "header.hpp"        // IWYU pragma: export
#include "layout.hpp"        // IWYU pragma: export
#include "protocol.hpp"      // IWYU pragma: export
#include "protocol_dot.hpp"  // IWYU pragma: export
#include "token.hpp"         // IWYU pragma: export
#include "transition.hpp"    // IWYU pragma: export
#include "version.hpp"       // IWYU pragma: export
#include "view.hpp"          // IWYU pragma: export
#include "wait.hpp"          // IWYU pragma: export
#if __has_include(<sys/mman.h>)
#include "region.hpp"   // IWYU pragma: export
#include "segment.hpp"  // IWYU pragma: export
#endif
