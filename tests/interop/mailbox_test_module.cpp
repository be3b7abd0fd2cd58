// The extension module the Python tests import: the test layouts bound with
// mailbox::python::bind_layout.
#include <mailbox/python.hpp>

#include "handoff_layout.hpp"

namespace py = pybind11;
using python_test::Step;

namespace {

// Overlays, flags and a protocol (the shape of the worker frame), for the
// flag, transition and endpoint bindings.
enum class F : std::int32_t { idle, request, reply, staged, running, done, failed, off };

using Frame = mailbox::layout<
    mailbox::state<"state", F>, mailbox::field<"error", std::int32_t>,
    mailbox::overlay<"control", mailbox::field<"command", std::uint64_t>,
                     mailbox::field<"result", std::uint64_t>>,
    mailbox::overlay<"task", mailbox::field<"words", std::uint64_t[4]>, mailbox::field<"sum", std::uint64_t>>,
    mailbox::flag<"stop", std::int32_t>, mailbox::flag<"seen", std::uint64_t>,
    mailbox::field<"note", char[32]>>;

using Proto = mailbox::protocol<
    Frame,
    mailbox::in_state<F::idle, mailbox::owner<"parent">, mailbox::views<"control", "task">,
                      mailbox::next<F::request, F::staged, F::off>>,
    mailbox::in_state<F::request, mailbox::owner<"child">, mailbox::views<"control">,
                      mailbox::next<F::reply>>,
    mailbox::in_state<F::reply, mailbox::owner<"parent">, mailbox::views<"control">, mailbox::next<F::idle>>,
    mailbox::in_state<F::staged, mailbox::owner<"parent", "child">, mailbox::next<F::running, F::failed>>,
    mailbox::in_state<F::running, mailbox::owner<"child">, mailbox::views<"task">,
                      mailbox::next<F::done, F::failed>>,
    mailbox::in_state<F::done, mailbox::owner<"parent">, mailbox::views<"task">, mailbox::next<F::idle>>,
    mailbox::in_state<F::failed, mailbox::owner<"parent">, mailbox::next<F::idle>>,
    mailbox::in_state<F::off>>;

}  // namespace

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
  py::enum_<F>(m, "F")
      .value("idle", F::idle)
      .value("request", F::request)
      .value("reply", F::reply)
      .value("staged", F::staged)
      .value("running", F::running)
      .value("done", F::done)
      .value("failed", F::failed)
      .value("off", F::off);
  mailbox::python::bind_layout<Frame>(m, "Frame");
  mailbox::python::bind_endpoint<Proto, "parent">(m, "FrameParent");
  mailbox::python::bind_endpoint<Proto, "child">(m, "FrameChild");
  m.attr("backend") = std::string(mailbox::backend_name);
}
