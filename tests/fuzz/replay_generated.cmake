# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The mailbox authors
# cmake -DGENERATOR=make_corpus -DTARGET=fuzz_receiver -DDIRECTORY=dir -P replay_generated.cmake
# Writes a fresh corpus with the generator, then replays it through the target.
file(REMOVE_RECURSE "${DIRECTORY}")
file(MAKE_DIRECTORY "${DIRECTORY}")
execute_process(COMMAND "${GENERATOR}" "${DIRECTORY}" RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "the corpus generator failed: ${result}")
endif()
file(GLOB inputs "${DIRECTORY}/*")
list(LENGTH inputs count)
if(count LESS 5)
  message(FATAL_ERROR "the generator wrote ${count} inputs, expected at least 5")
endif()
execute_process(COMMAND "${TARGET}" -runs=0 "-artifact_prefix=${DIRECTORY}/../" "${DIRECTORY}" RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "replaying the generated corpus failed (${result}):\n${out}")
endif()
message(STATUS "replayed ${count} generated inputs")
