// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The mailbox authors
// mailbox::to_json: every member of the layout, with the offsets, sizes and
// shapes the layout computed, and the fingerprint (interop/check_json.py
// parses it; this checks the text from C++, without an interpreter).
#include <mailbox/export.hpp>

#include <cstddef>
#include <string>

#include "support/catch.hpp"
#include "support/design_task.hpp"
#include "support/payload_frame.hpp"

namespace {

using test_support::Task;
using test_support::Worker;

template <class Layout>
std::string expected_record(const mailbox::field_info& f, const std::string& kind, const std::string& shape) {
  return "{\"name\": \"" + std::string(f.name) + "\", \"role\": \"" + (f.is_state ? "state" : "payload") +
         "\", \"offset\": " + std::to_string(f.offset) + ", \"size\": " + std::to_string(f.size) +
         ", \"alignment\": " + std::to_string(f.alignment) + ", \"kind\": \"" + kind + "\"" + shape;
}

}  // namespace

TEST_CASE("to_json lists every field with the layout's offsets and sizes", "[export]") {
  const std::string json = mailbox::to_json<Task>();
  const auto& f = Task::fields;
  CHECK(json.find(expected_record<Task>(f[0], "enum_int", ", \"element_size\": 4, \"shape\": []")) !=
        std::string::npos);
  CHECK(json.find(expected_record<Task>(f[1], "int", ", \"element_size\": 4, \"shape\": []")) !=
        std::string::npos);
  CHECK(json.find(expected_record<Task>(f[2], "uint", ", \"element_size\": 8, \"shape\": []")) !=
        std::string::npos);
  CHECK(json.find(expected_record<Task>(
            f[3], "uint", ", \"element_size\": 8, \"shape\": [16], \"pinned\": true")) != std::string::npos);
  CHECK(json.find(expected_record<Task>(f[4], "char", ", \"element_size\": 1, \"shape\": [256]")) !=
        std::string::npos);
  CHECK(json.find("\"size\": " + std::to_string(Task::size) + ", \"alignment\"") != std::string::npos);
  CHECK(json.find("\"fingerprint\": \"" + mailbox::detail::hex(mailbox::fingerprint<Task>) + "\"") !=
        std::string::npos);
  CHECK(json.find("\"valid_states\": null") != std::string::npos);
  CHECK(json.front() == '{');
  CHECK(json.back() == '}');
}

TEST_CASE("to_json: the version changes the fingerprint, valid_states are listed", "[export]") {
  using Listed = mailbox::layout<mailbox::state<"s", Worker>, mailbox::field<"grid", std::int16_t[2][3]>,
                                 mailbox::valid_states<Worker::idle, Worker::task_done>>;
  const std::string json = mailbox::to_json<Listed, 7>();
  CHECK(json.find("\"version\": 7") != std::string::npos);
  CHECK(json.find("\"fingerprint\": \"" + mailbox::detail::hex(mailbox::fingerprint<Listed, 7>) + "\"") !=
        std::string::npos);
  CHECK(mailbox::fingerprint<Listed, 7> != mailbox::fingerprint<Listed, 0>);
  CHECK(json.find("\"valid_states\": [0, 2]") != std::string::npos);
  CHECK(json.find("\"shape\": [2, 3]") != std::string::npos);
}

TEST_CASE("to_json and c_definitions describe members, keyed alternatives and records", "[export]") {
  using payload_test::Frame;
  const std::string json = mailbox::to_json<Frame>();
  CHECK(json.find("\"records\": [\"teardown\"]") != std::string::npos);
  CHECK(json.find(
            "\"members\": [{\"name\": \"call_id\", \"offset\": 0, \"size\": 4, \"alignment\": 4, \"kind\": "
            "\"uint\"") != std::string::npos);
  CHECK(json.find("{\"name\": \"timeout_ms\", \"offset\": 5, \"size\": 8") != std::string::npos);
  CHECK(json.find("\"kind\": \"keyed\"") != std::string::npos);
  CHECK(json.find("\"keyed\": {\"key\": {\"name\": \"sub_command\", \"offset\": 0, \"size\": 4") !=
        std::string::npos);
  CHECK(json.find("{\"name\": \"copy\", \"key\": 2, \"group\": null") != std::string::npos);
  CHECK(json.find("{\"name\": \"resize\", \"key\": 1000, \"group\": \"user\"") != std::string::npos);
  CHECK(json.find("\"groups\": [{\"name\": \"user\", \"first\": 1000, \"last\": 1999}]") !=
        std::string::npos);
  CHECK(json.find("\"role\": \"record\"") != std::string::npos);
  CHECK(json.find("\"record\": {\"sequence_offset\": 0, \"schema_offset\": 8, \"generation_offset\": 12, "
                  "\"body_offset\": 16") != std::string::npos);

  const std::string c = mailbox::c_definitions<Frame>("PF");
  const auto defines = [&](const std::string& name, std::size_t value) {
    return c.find("#define PF_" + name + " " + std::to_string(value) + "\n") != std::string::npos;
  };
  CHECK(defines("TASK_CONFIG_TIMEOUT_MS_OFFSET", Frame::offset_of<"config.timeout_ms">));
  CHECK(defines("TASK_PLACEMENT_LIMITS_MEMORY_MB_OFFSET", Frame::offset_of<"placement.limits.memory_mb">));
  CHECK(defines("CONTROL_COMMAND_SUB_COMMAND_OFFSET", Frame::offset_of<"command">));
  CHECK(defines("CONTROL_COMMAND_COPY_KEY", 2));
  CHECK(defines("CONTROL_COMMAND_COPY_SRC_OFFSET",
                Frame::offset_of<"command"> + payload_test::Control::alternatives_offset));
  CHECK(defines("CONTROL_COMMAND_USER_LAST_KEY", 1999));
  CHECK(defines("TEARDOWN_SEQUENCE_OFFSET", Frame::offset_of<"teardown">));
  CHECK(defines("TEARDOWN_BODY_OFFSET", Frame::offset_of<"teardown"> + 16));
  CHECK(defines("TEARDOWN_TASKS_DONE_OFFSET",
                Frame::offset_of<"teardown"> + 16 + offsetof(payload_test::Teardown, tasks_done)));
  CHECK(c.find("#define PF_TEARDOWN_SCHEMA 0x") != std::string::npos);
}
