# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The mailbox authors
# Checks that the README shows code that is compiled and run, and figures the
# benchmarks wrote:
#   <!-- example: path/to/file -->  the next fenced block is that file, to the byte,
#                                   after its licence lines (SPDX and copyright);
#   <!-- excerpt: path/to/file -->  the next fenced block is a run of whole lines of that file;
#   the table rows between the bench-headline markers are rows of the full
#   tables in docs/benchmarks.md (scripts/bench.sh --readme writes both).
# Inputs: SOURCE_DIR
file(READ "${SOURCE_DIR}/README.md" readme)

# The fenced block after `at` in `text`, without its fences, in `out`.
function(block_after text at out)
  string(SUBSTRING "${text}" ${at} -1 rest)
  string(REGEX MATCH "```[a-z]*\n" fence "${rest}")
  if(NOT fence)
    message(FATAL_ERROR "README.md: no fenced code block after offset ${at}")
  endif()
  string(FIND "${rest}" "${fence}" open)
  string(LENGTH "${fence}" fence_length)
  math(EXPR open "${open} + ${fence_length}")
  string(SUBSTRING "${rest}" ${open} -1 rest)
  string(FIND "${rest}" "```" close)
  string(SUBSTRING "${rest}" 0 ${close} shown)
  set(${out} "${shown}" PARENT_SCOPE)
endfunction()

string(REGEX MATCHALL "<!-- (example|excerpt): [^ ]+ -->" markers "${readme}")
if(NOT markers MATCHES "<!-- example: ")
  message(FATAL_ERROR "README.md marks no example; expected at least one '<!-- example: file -->'")
endif()
foreach(marker IN LISTS markers)
  string(REGEX REPLACE "<!-- (example|excerpt): ([^ ]+) -->" "\\1;\\2" parts "${marker}")
  list(GET parts 0 kind)
  list(GET parts 1 path)
  string(FIND "${readme}" "${marker}" at)
  block_after("${readme}" ${at} shown)
  if(NOT EXISTS "${SOURCE_DIR}/${path}")
    message(FATAL_ERROR "README.md shows ${path}, which does not exist")
  endif()
  file(READ "${SOURCE_DIR}/${path}" actual)
  if(kind STREQUAL "example")
    # The licence lines every source file starts with are not worth a reader's time.
    string(REGEX REPLACE "^(//|#) SPDX-License-Identifier: [^\n]*\n(//|#) Copyright [^\n]*\n" "" actual
                         "${actual}")
    if(NOT shown STREQUAL actual)
      message(FATAL_ERROR "README.md shows a different ${path} than the file; copy the file into the README")
    endif()
    message(STATUS "README.md shows ${path} as it is")
  else()
    # Whole lines: the excerpt starts at a line's start in the file.
    string(FIND "\n${actual}" "\n${shown}" found)
    if(found EQUAL -1 OR shown STREQUAL "")
      message(FATAL_ERROR "README.md's excerpt of ${path} is not in the file; copy the lines again")
    endif()
    message(STATUS "README.md's excerpt of ${path} is in the file")
  endif()
endforeach()

# The headline rows: each must be a row of docs/benchmarks.md, where the same
# run wrote the full tables.
set(begin "<!-- bench-headline: begin")
set(end "<!-- bench-headline: end -->")
string(FIND "${readme}" "${begin}" first)
string(FIND "${readme}" "${end}" last)
if(first EQUAL -1 OR last LESS first)
  message(FATAL_ERROR "README.md lacks the markers '${begin} ...' and '${end}'")
endif()
math(EXPR length "${last} - ${first}")
string(SUBSTRING "${readme}" ${first} ${length} headline)
file(READ "${SOURCE_DIR}/docs/benchmarks.md" benchmarks)
string(REPLACE "\n" ";" lines "${headline}")
set(rows 0)
foreach(line IN LISTS lines)
  if(line MATCHES "^\\| [a-z]+, [0-9]+ B \\|")
    string(FIND "${benchmarks}" "\n${line}\n" found)
    if(found EQUAL -1)
      message(FATAL_ERROR "README.md's headline row is not in docs/benchmarks.md (run scripts/bench.sh --readme, "
                          "which writes both):\n${line}")
    endif()
    math(EXPR rows "${rows} + 1")
  endif()
endforeach()
if(NOT rows EQUAL 4)
  message(FATAL_ERROR "README.md's headline has ${rows} rows of figures; expected 4 (threads and processes, 8 B and 64 B)")
endif()
message(STATUS "README.md's ${rows} headline rows are docs/benchmarks.md's")
