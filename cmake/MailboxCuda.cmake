# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The mailbox authors
# CUDA (issue 18, docs/cuda.md): included by the top-level CMakeLists.txt when
# MAILBOX_BUILD_CUDA is on (the cuda preset). Finds nvcc (CUDACXX, PATH, or
# /usr/local/cuda/bin) and adds tests/cuda: the PTX checks with their
# negative controls and the compile-fail cases, which need nvcc only, and
# the GPU tests and benchmarks, which build everywhere and run where a
# device exists. Without nvcc the suite registers one test that says so and
# that CTest reports as skipped: never a silent pass.
include(CheckLanguage)

if(NOT CMAKE_CUDA_COMPILER AND NOT DEFINED ENV{CUDACXX})
  find_program(MAILBOX_NVCC nvcc HINTS /usr/local/cuda/bin DOC "nvcc, for the CUDA checks and tests")
  if(MAILBOX_NVCC AND EXISTS "${MAILBOX_NVCC}")
    set(CMAKE_CUDA_COMPILER "${MAILBOX_NVCC}" CACHE FILEPATH "The CUDA compiler")
  endif()
endif()
check_language(CUDA)

if(NOT CMAKE_CUDA_COMPILER)
  enable_testing()
  add_test(NAME cuda.skipped
           COMMAND "${CMAKE_COMMAND}" -E echo
                   "SKIPPED: nvcc not found (not on PATH, not in /usr/local/cuda/bin, CUDACXX unset): the PTX checks, "
                   "the CUDA compile-fail cases and the GPU tests did not run")
  set_tests_properties(cuda.skipped PROPERTIES SKIP_REGULAR_EXPRESSION "SKIPPED")
  message(WARNING "MAILBOX_BUILD_CUDA: nvcc not found; the cuda tests are skipped (ctest says so)")
  return()
endif()

# The GPUs the tests and benchmarks are built for (SASS and PTX each):
# sm_80 (A100) and sm_90 (H100, H200); newer ones JIT the PTX.
if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES AND NOT DEFINED ENV{CUDAARCHS})
  set(CMAKE_CUDA_ARCHITECTURES "80;90" CACHE STRING "CUDA architectures")
endif()
enable_language(CUDA)
find_package(CUDAToolkit REQUIRED)
# CMake 3.25 knows CUDA's C++ standards only up to C++17 for nvcc; nvcc 12
# and later take -std=c++20, which the library needs.
set(CMAKE_CUDA20_STANDARD_COMPILE_OPTION "-std=c++20")
set(CMAKE_CUDA20_EXTENSION_COMPILE_OPTION "-std=c++20")

enable_testing()
add_subdirectory(tests/cuda)
