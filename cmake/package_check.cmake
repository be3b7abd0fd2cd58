# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The mailbox authors
# Uses the library exactly as a downstream project would, as a CTest test:
#   1. configures this source tree afresh with nothing but the toolchain, as a
#      user's plain `cmake -S . -B b && cmake --build b && cmake --install b`,
#      on a machine without Catch2 or Google Benchmark (find_package of both
#      disabled): it must succeed, say the tests are left out, and install;
#   2. configures it once more with -DBUILD_TESTING=OFF: nothing may look for
#      Catch2 or Google Benchmark, and the install must be the same;
#   3. from that fresh install prefix, builds a consumer through
#      find_package(mailbox), through pkg-config (FindPkgConfig, and the
#      compiler called directly with `pkg-config --cflags mailbox`), and
#      ones that pull the source tree in with add_subdirectory and with
#      FetchContent (a local path); then checks which versions
#      find_package(mailbox X.Y) accepts.
# Each consumer is then run (through EMULATOR when cross-compiling).
#
# Inputs: SOURCE_DIR SCRATCH GENERATOR VERSION PKG_CONFIG CXX_COMPILER
#   [TOOLCHAIN] [EMULATOR] [CXX_FLAGS] [EXE_LINKER_FLAGS]
#   COMPILE_COMMAND: the compiler and its target flags, "|"-separated.
cmake_minimum_required(VERSION 3.21)

function(run)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "OUTPUT" "")
  execute_process(COMMAND ${arg_UNPARSED_ARGUMENTS} RESULT_VARIABLE result OUTPUT_VARIABLE output
                  ERROR_VARIABLE output)
  if(NOT result EQUAL 0)
    string(REPLACE ";" " " shown "${arg_UNPARSED_ARGUMENTS}")
    message(FATAL_ERROR "failed (${result}): ${shown}\n${output}")
  endif()
  message(STATUS "${output}")
  if(arg_OUTPUT)
    set(${arg_OUTPUT} "${output}" PARENT_SCOPE)
  endif()
endfunction()

function(run_consumer executable)
  if(EMULATOR)
    string(REPLACE "|" ";" emulator "${EMULATOR}")
    run(${emulator} "${executable}" OUTPUT output)
  else()
    run("${executable}" OUTPUT output)
  endif()
  if(NOT output MATCHES "consumer: ok")
    message(FATAL_ERROR "${executable} did not report a handoff:\n${output}")
  endif()
endfunction()

# The install tree, relative to its prefix, as a sorted list.
function(list_tree prefix out)
  file(GLOB_RECURSE files RELATIVE "${prefix}" "${prefix}/*")
  list(SORT files)
  set(${out} "${files}" PARENT_SCOPE)
endfunction()

if(NOT PKG_CONFIG)
  message(FATAL_ERROR "pkg-config was not found when the tests were configured (Debian: apt-get install pkgconf)")
endif()

file(REMOVE_RECURSE "${SCRATCH}")
set(toolchain -G "${GENERATOR}" "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}" "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
              "-DCMAKE_EXE_LINKER_FLAGS=${EXE_LINKER_FLAGS}")
if(TOOLCHAIN)
  list(APPEND toolchain "-DCMAKE_TOOLCHAIN_FILE=${TOOLCHAIN}")
endif()

# 1. The plain build, without the test frameworks.
set(prefix "${SCRATCH}/prefix")
run("${CMAKE_COMMAND}" -S "${SOURCE_DIR}" -B "${SCRATCH}/plain" ${toolchain} -DCMAKE_DISABLE_FIND_PACKAGE_Catch2=ON
    -DCMAKE_DISABLE_FIND_PACKAGE_benchmark=ON OUTPUT configure_output)
set(expected_messages "Catch2 was not found, so the mailbox tests are not built")
if(NOT EMULATOR)
  # A cross build leaves the benchmarks to bench/, which says so in its own words.
  list(APPEND expected_messages "Google Benchmark was not found, so the mailbox benchmarks are not built")
endif()
foreach(expected IN LISTS expected_messages)
  string(FIND "${configure_output}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "configuring without the frameworks did not say '${expected}':\n${configure_output}")
  endif()
endforeach()
run("${CMAKE_COMMAND}" --build "${SCRATCH}/plain")
run("${CMAKE_COMMAND}" --install "${SCRATCH}/plain" --prefix "${prefix}")
foreach(file share/cmake/mailbox/mailboxConfig.cmake share/pkgconfig/mailbox.pc include/mailbox/mailbox.hpp
             share/doc/mailbox/LICENSE)
  if(NOT EXISTS "${prefix}/${file}")
    message(FATAL_ERROR "the install put no ${file} under ${prefix}")
  endif()
endforeach()

# 2. BUILD_TESTING=OFF: the issue's `cmake -S . -B build -DBUILD_TESTING=OFF
#    && cmake --install build`. find_package leaves <Package>_DIR in the cache
#    even when it finds nothing, so an absent entry proves nobody looked.
run("${CMAKE_COMMAND}" -S "${SOURCE_DIR}" -B "${SCRATCH}/no-testing" ${toolchain} -DBUILD_TESTING=OFF)
file(STRINGS "${SCRATCH}/no-testing/CMakeCache.txt" looked_up REGEX "^(Catch2|benchmark)_DIR")
if(looked_up)
  message(FATAL_ERROR "with BUILD_TESTING=OFF the configure still looked for a test framework: ${looked_up}")
endif()
run("${CMAKE_COMMAND}" --install "${SCRATCH}/no-testing" --prefix "${SCRATCH}/prefix-no-testing")
list_tree("${prefix}" plain_tree)
list_tree("${SCRATCH}/prefix-no-testing" no_testing_tree)
if(NOT plain_tree STREQUAL no_testing_tree)
  message(FATAL_ERROR "the two installs differ:\n${plain_tree}\nand\n${no_testing_tree}")
endif()

# 3. The consumers, from the fresh prefix.
set(ENV{PKG_CONFIG_PATH} "${prefix}/share/pkgconfig")
run("${PKG_CONFIG}" --modversion mailbox OUTPUT pc_version)
string(STRIP "${pc_version}" pc_version)
if(NOT pc_version STREQUAL VERSION)
  message(FATAL_ERROR "pkg-config says mailbox ${pc_version}, the project is ${VERSION}")
endif()
run("${PKG_CONFIG}" --validate mailbox)
run("${PKG_CONFIG}" --cflags mailbox OUTPUT pc_cflags)
separate_arguments(pc_cflags UNIX_COMMAND "${pc_cflags}")
if(NOT pc_cflags STREQUAL "-I${prefix}/include")
  # pkgconf prints the path as found through ${pcfiledir}; it must name the
  # prefix's include directory either way.
  string(REGEX REPLACE "^-I" "" include_dir "${pc_cflags}")
  file(REAL_PATH "${include_dir}" include_dir)
  file(REAL_PATH "${prefix}/include" expected_dir)
  if(NOT include_dir STREQUAL expected_dir)
    message(FATAL_ERROR "pkg-config --cflags mailbox is '${pc_cflags}', expected -I${prefix}/include")
  endif()
endif()

string(REGEX MATCH "^[0-9]+\\.[0-9]+" major_minor "${VERSION}")
foreach(kind find_package pkg_config add_subdirectory fetch_content)
  set(build "${SCRATCH}/${kind}")
  run("${CMAKE_COMMAND}" -S "${SOURCE_DIR}/tests/package/${kind}" -B "${build}" ${toolchain} --no-warn-unused-cli
      "-DCMAKE_PREFIX_PATH=${prefix}" "-DPKG_CONFIG_EXECUTABLE=${PKG_CONFIG}" "-DMAILBOX_SOURCE_DIR=${SOURCE_DIR}"
      "-DMAILBOX_REQUEST=${major_minor}")
  run("${CMAKE_COMMAND}" --build "${build}")
  run_consumer("${build}/consumer")
endforeach()

# The compatibility promise (docs/compatibility.md): find_package(mailbox X.Y)
# accepts X.Y.* only (SameMinorVersion): before 1.0 a minor version may
# break, so the installed X.Y must satisfy neither X.(Y-1) nor X.(Y+1).
string(REGEX MATCHALL "[0-9]+" parts "${VERSION}")
list(GET parts 0 major)
list(GET parts 1 minor)
math(EXPR next_minor "${minor} + 1")
set(requests "${major}.${minor}=found" "${major}.${minor}.0=found" "${major}.${next_minor}=not found")
if(minor GREATER 0)
  math(EXPR previous_minor "${minor} - 1")
  list(APPEND requests "${major}.${previous_minor}=not found")
endif()
foreach(request IN LISTS requests)
  string(REPLACE "=" ";" request "${request}")
  list(GET request 0 asked)
  list(GET request 1 expected)
  run("${CMAKE_COMMAND}" -S "${SOURCE_DIR}/tests/package/version_request" -B "${SCRATCH}/version_request_${asked}"
      "-DCMAKE_PREFIX_PATH=${prefix}" "-DMAILBOX_REQUEST=${asked}" OUTPUT output)
  if(NOT output MATCHES "mailbox ${asked}: ${expected}")
    message(FATAL_ERROR "find_package(mailbox ${asked}) against ${VERSION}: expected '${expected}':\n${output}")
  endif()
endforeach()

# A Makefile user: the compiler with pkg-config's flags and nothing else from
# CMake, warnings as errors (the include path is not a system one here).
string(REPLACE "|" ";" compile_command "${COMPILE_COMMAND}")
separate_arguments(cxx_flags UNIX_COMMAND "${CXX_FLAGS}")
separate_arguments(linker_flags UNIX_COMMAND "${EXE_LINKER_FLAGS}")
run(${compile_command} ${cxx_flags} -std=c++20 -Wall -Wextra -Wpedantic -Werror ${pc_cflags}
    "${SOURCE_DIR}/tests/package/consumer.cpp" ${linker_flags} -o "${SCRATCH}/pkg_config_direct")
run_consumer("${SCRATCH}/pkg_config_direct")
