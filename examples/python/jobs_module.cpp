// The Python extension module `jobs`: the Job layout, bound from its C++
// declaration. Built by this directory's CMakeLists.txt.
#include <mailbox/python.hpp>

#include "jobs.hpp"

PYBIND11_MODULE(jobs, m) {
  namespace py = pybind11;
  using jobs::Op;
  using jobs::State;
  m.doc() = "The example's Job mailbox (see examples/python/README in the mailbox sources).";
  py::enum_<State>(m, "State")
      .value("starting", State::starting)
      .value("idle", State::idle)
      .value("task_ready", State::task_ready)
      .value("task_done", State::task_done)
      .value("task_failed", State::task_failed)
      .value("quit", State::quit);
  py::enum_<Op>(m, "Op").value("sum", Op::sum).value("mean", Op::mean).value("fail", Op::fail);
  mailbox::python::bind_layout<jobs::Job, jobs::version>(m, "Job");
}
