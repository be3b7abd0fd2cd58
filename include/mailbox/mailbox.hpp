// The umbrella header of the mailbox library.
#pragma once

#include "arch.hpp"    // IWYU pragma: export
#include "layout.hpp"  // IWYU pragma: export
#include "view.hpp"    // IWYU pragma: export
