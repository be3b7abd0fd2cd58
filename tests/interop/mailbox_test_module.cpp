// The extension module the Python tests import: the test layouts bound with
// mailbox::python::bind_layout.
#include <mailbox/python.hpp>

#include "handoff_layout.hpp"

namespace py = pybind11;
using python_test::Step;

PYBIND11_MODULE(mailbox_test_module, m) {
  py::enum_<Step>(m, "Step")
      .value("idle", Step::idle)
      .value("task_ready", Step::task_ready)
      .value("task_done", Step::task_done)
      .value("shutdown", Step::shutdown);
  mailbox::python::bind_layout<python_test::Handoff>(m, "Handoff");
  // The same layout under another version number: another fingerprint.
  mailbox::python::bind_layout<python_test::Handoff, 2>(m, "HandoffV2");
  mailbox::python::bind_layout<python_test::BlockingHandoff>(m, "BlockingHandoff");
  m.attr("backend") = std::string(mailbox::backend_name);
}
