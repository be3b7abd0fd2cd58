// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// Writes the Handoff layout for another language, from its one C++
// declaration: `layout_export json` prints mailbox::to_json, `layout_export c`
// the C header a C peer compiles against (mailbox::c_definitions, plus the
// state values and the header's field offsets, which c_definitions leaves to
// the caller).
#include <mailbox/export.hpp>

#include <cstddef>
#include <cstdio>
#include <cstring>
#include <string>

#include "handoff_layout.hpp"

int main(int argc, char** argv) {
  using python_test::Handoff;
  using python_test::Step;
  if (argc == 2 && std::strcmp(argv[1], "json") == 0) {
    std::printf("%s\n", mailbox::to_json<Handoff>().c_str());
    return 0;
  }
  if (argc == 2 && std::strcmp(argv[1], "c") == 0) {
    std::string out = "#pragma once\n" + mailbox::c_definitions<Handoff>("HANDOFF");
    const auto define = [&](const char* name, long long value) {
      out += "#define HANDOFF_" + std::string(name) + " " + std::to_string(value) + "\n";
    };
    define("STEP_IDLE", static_cast<long long>(Step::idle));
    define("STEP_TASK_READY", static_cast<long long>(Step::task_ready));
    define("STEP_TASK_DONE", static_cast<long long>(Step::task_done));
    define("STEP_SHUTDOWN", static_cast<long long>(Step::shutdown));
    define("HEADER_MAGIC_OFFSET", offsetof(mailbox::region_header, magic));
    define("HEADER_FINGERPRINT_OFFSET", offsetof(mailbox::region_header, fingerprint));
    std::fputs(out.c_str(), stdout);
    return 0;
  }
  std::fprintf(stderr, "usage: layout_export json|c\n");
  return 2;
}
