# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The mailbox authors
# Checks that a layout fingerprints the same on a 64- and a 32-bit build when
# its offsets agree, as a CTest test (issue 8 item 17):
#   cmake -D COMMAND="compiler|flag|..." -D SOURCE=width_layout.cpp -D SCRATCH=dir -P fingerprint_width.cmake
# Builds SOURCE natively and runs it (it prints two fingerprints), then
# compiles it with -m32 and those figures, where static_asserts compare them.
# Prints "SKIPPED" (the test's skip pattern) where the compiler cannot build
# 32-bit code (Debian: g++-multilib).
foreach(var COMMAND SOURCE SCRATCH)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "fingerprint_width.cmake: ${var} is not set")
  endif()
endforeach()
string(REPLACE "|" ";" command "${COMMAND}")
file(MAKE_DIRECTORY "${SCRATCH}")

# Debian's g++-12-multilib gives g++ and clang++ -m32, but /usr/include/asm
# comes with gcc-multilib, which conflicts with the cross compilers other
# suites need; the x86-64 asm headers serve i386 too (they test __i386__),
# so they are added after the system directories when plain -m32 lacks them.
file(WRITE "${SCRATCH}/probe.cpp" "#include <atomic>\n#include <cstdint>\nint main() { return 0; }\n")
set(m32 -m32)
execute_process(COMMAND ${command} ${m32} -fsyntax-only "${SCRATCH}/probe.cpp" RESULT_VARIABLE probe OUTPUT_QUIET
                ERROR_QUIET)
if(NOT probe EQUAL 0)
  set(m32 -m32 -idirafter /usr/include/x86_64-linux-gnu)
  execute_process(COMMAND ${command} ${m32} -fsyntax-only "${SCRATCH}/probe.cpp" RESULT_VARIABLE probe
                  OUTPUT_QUIET ERROR_QUIET)
endif()
if(NOT probe EQUAL 0)
  message(STATUS "SKIPPED: the compiler cannot build 32-bit code here (Debian: g++-12-multilib)")
  return()
endif()

execute_process(
  COMMAND ${command} "${SOURCE}" -o "${SCRATCH}/width64"
  RESULT_VARIABLE result
  OUTPUT_VARIABLE output
  ERROR_VARIABLE output)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "The 64-bit side does not build:\n${output}")
endif()
execute_process(
  COMMAND "${SCRATCH}/width64"
  RESULT_VARIABLE result
  OUTPUT_VARIABLE printed)
if(NOT result EQUAL 0 OR NOT printed MATCHES "portable=(0x[0-9a-f]+ULL) natural=(0x[0-9a-f]+ULL)")
  message(FATAL_ERROR "The 64-bit side printed no fingerprints: ${printed}")
endif()
set(portable "${CMAKE_MATCH_1}")
set(natural "${CMAKE_MATCH_2}")
message(STATUS "64-bit fingerprints: portable ${portable}, natural ${natural}")

execute_process(
  COMMAND ${command} ${m32} -fsyntax-only "-DMAILBOX_PORTABLE_FINGERPRINT=${portable}"
          "-DMAILBOX_NATURAL_FINGERPRINT=${natural}" "${SOURCE}"
  RESULT_VARIABLE result
  OUTPUT_VARIABLE output
  ERROR_VARIABLE output)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "The 32-bit side disagrees:\n${output}")
endif()
message(STATUS "the 32-bit build agrees on the portable layout and tells the natural one apart")
