// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// The Python extension module `jobs`: the Job layout and the Op enum, from
// their C++ declarations, with the CPython C API alone (no pybind11 needed).
// Built by this directory's CMakeLists.txt.
#include <mailbox/python.hpp>

#include "jobs.hpp"

MAILBOX_PYTHON_MODULE(jobs, m) {
  using jobs::Op;
  if (mailbox::python::add_enum<Op::sum, Op::mean, Op::fail>(m, "Op") != 0) return -1;
  // Job.State is made from the layout's valid_states.
  return mailbox::python::add_layout<jobs::Job, jobs::version>(m, "Job");
}
