// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The Python module `quickstart`: the Square layout as quickstart.Square.
#include <mailbox/python.hpp>

#include "quickstart.hpp"

MAILBOX_PYTHON_MODULE(quickstart, m) { return mailbox::python::add_layout<Square>(m, "Square"); }
