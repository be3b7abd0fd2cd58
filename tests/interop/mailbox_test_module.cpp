// The extension module the Python tests import, written with the bare
// CPython C API (no pybind11): the test layouts added with
// mailbox::python::add_layout and add_endpoint. Built twice: as
// mailbox_test_module (with NDEBUG, as a release build) and as
// mailbox_test_debug (without NDEBUG, so MAILBOX_DEBUG_TOKENS is on).
#include <mailbox/python.hpp>

#include "handoff_layout.hpp"
#include "python_layouts.hpp"

#ifndef MAILBOX_TEST_MODULE
#define MAILBOX_TEST_MODULE mailbox_test_module
#endif

MAILBOX_PYTHON_MODULE(MAILBOX_TEST_MODULE, m) {
  namespace mp = mailbox::python;
  if (mp::add_layout<python_test::Handoff>(m, "Handoff") != 0 ||
      // The same layout under another version number: another fingerprint.
      mp::add_layout<python_test::Handoff, 2>(m, "HandoffV2") != 0 ||
      mp::add_layout<python_test::BlockingHandoff>(m, "BlockingHandoff") != 0 ||
      mp::add_layout<python_test::Frame>(m, "Frame") != 0 ||
      mp::add_endpoint<python_test::Proto, "parent">(m, "FrameParent") != 0 ||
      mp::add_endpoint<python_test::Proto, "child">(m, "FrameChild") != 0 ||
      mp::add_layout<python_test::Large>(m, "Large") != 0 ||
      mp::add_layout<python_test::Shapes>(m, "Shapes") != 0 ||
      mp::add_layout<python_test::Counter>(m, "Counter") != 0 ||
      mp::add_layout<python_test::Described>(m, "Described") != 0) {
    return -1;
  }
  return PyModule_AddStringConstant(m, "backend", std::string(mailbox::backend_name).c_str());
}

#if defined(MAILBOX_TEST_EXPECTS_DEBUG_TOKENS)
static_assert(mailbox::debug_tokens,
              "mailbox_test_debug must be built without NDEBUG (MAILBOX_DEBUG_TOKENS on)");
#endif
