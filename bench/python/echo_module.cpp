// The Python module of the round-trip benchmark: the Echo layout, bound.
#include <mailbox/python.hpp>

#include "echo.hpp"

PYBIND11_MODULE(mailbox_bench, m) {
  using bench_python::Turn;
  pybind11::enum_<Turn>(m, "Turn")
      .value("ping", Turn::ping)
      .value("pong", Turn::pong)
      .value("quit", Turn::quit);
  mailbox::python::bind_layout<bench_python::Echo>(m, "Echo");
  m.attr("backend") = std::string(mailbox::backend_name);
}
