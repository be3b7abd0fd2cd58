// mailbox::to_json: every member of the layout, with the offsets, sizes and
// shapes the layout computed, and the fingerprint (interop/check_json.py
// parses it; this checks the text from C++, without an interpreter).
#include <mailbox/export.hpp>

#include <string>

#include "support/catch.hpp"
#include "support/design_task.hpp"

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
