# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The mailbox authors
# Runs one compile-fail case, as a CTest test:
#   cmake -D MODE=fail|pass -D SOURCE=case.cpp -D COMMAND="compiler|flag|..." -P compile_check.cmake
# MODE=fail: compiling with -DMAILBOX_COMPILE_FAIL must fail, and the
# compiler's output must contain every "// expect: text" line of the source,
# and, with -D COMPILER_ID=GNU or Clang (CMAKE_CXX_COMPILER_ID), every
# "// expect-gcc: text" or "// expect-clang: text" line for that compiler
# (the two print a field's name in different forms).
# MODE=pass: the same command without the define (the twin) must compile.
foreach(var MODE SOURCE COMMAND)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "compile_check.cmake: ${var} is not set")
  endif()
endforeach()

string(REPLACE "|" ";" args "${COMMAND}")
# How to stop after the front end: -fsyntax-only for g++ and clang++; nvcc
# (tests/cuda) passes its own, "|"-separated like COMMAND.
if(DEFINED CHECK_ONLY)
  string(REPLACE "|" ";" check_only "${CHECK_ONLY}")
else()
  set(check_only -fsyntax-only)
endif()
list(APPEND args ${check_only} "${SOURCE}")
if(MODE STREQUAL "fail")
  list(APPEND args -DMAILBOX_COMPILE_FAIL)
endif()

execute_process(
  COMMAND ${args}
  RESULT_VARIABLE result
  OUTPUT_VARIABLE output
  ERROR_VARIABLE output)

if(MODE STREQUAL "pass")
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "The twin of ${SOURCE} must compile but did not:\n${output}")
  endif()
  message(STATUS "compiled, as it should")
  return()
endif()

if(result EQUAL 0)
  message(FATAL_ERROR "${SOURCE} compiled with MAILBOX_COMPILE_FAIL but must not")
endif()
file(STRINGS "${SOURCE}" expectations REGEX "^// expect: ")
if(NOT expectations)
  message(FATAL_ERROR "${SOURCE} has no '// expect: ' line, so any error would pass")
endif()
set(dialect "")
if(COMPILER_ID STREQUAL "GNU")
  set(dialect gcc)
elseif(COMPILER_ID MATCHES "Clang")
  set(dialect clang)
endif()
if(dialect)
  file(STRINGS "${SOURCE}" specific REGEX "^// expect-${dialect}: ")
  list(APPEND expectations ${specific})
endif()
foreach(line IN LISTS expectations)
  string(REGEX REPLACE "^// expect(-[a-z]+)?: " "" wanted "${line}")
  string(FIND "${output}" "${wanted}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${SOURCE} failed to compile, but its output lacks \"${wanted}\":\n${output}")
  endif()
endforeach()
message(STATUS "refused, with the expected message")
