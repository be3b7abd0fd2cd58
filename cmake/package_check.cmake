# Checks that downstream projects can use the library, as a CTest test:
#   1. installs the build tree to a scratch prefix and builds a consumer that
#      calls find_package(mailbox CONFIG REQUIRED);
#   2. builds a consumer that pulls the source tree in with add_subdirectory.
# Each consumer is then run (through EMULATOR when cross-compiling).
# Inputs: BUILD_DIR SOURCE_DIR SCRATCH GENERATOR CXX_COMPILER [TOOLCHAIN] [EMULATOR]
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
  if(NOT result EQUAL 0)
    string(REPLACE ";" " " shown "${ARGN}")
    message(FATAL_ERROR "failed (${result}): ${shown}\n${output}")
  endif()
  message(STATUS "${output}")
endfunction()

file(REMOVE_RECURSE "${SCRATCH}")
set(prefix "${SCRATCH}/prefix")
run("${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${prefix}")
if(NOT EXISTS "${prefix}/share/cmake/mailbox/mailboxConfig.cmake")
  message(FATAL_ERROR "install put no mailboxConfig.cmake under ${prefix}/share/cmake/mailbox")
endif()

set(common -G "${GENERATOR}" "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}")
if(TOOLCHAIN)
  list(APPEND common "-DCMAKE_TOOLCHAIN_FILE=${TOOLCHAIN}")
endif()

foreach(kind find_package add_subdirectory)
  set(build "${SCRATCH}/${kind}")
  run("${CMAKE_COMMAND}" -S "${SOURCE_DIR}/tests/package/${kind}" -B "${build}" ${common}
      "-DCMAKE_PREFIX_PATH=${prefix}" "-DMAILBOX_SOURCE_DIR=${SOURCE_DIR}")
  run("${CMAKE_COMMAND}" --build "${build}")
  if(EMULATOR)
    string(REPLACE "|" ";" emulator "${EMULATOR}")
    run(${emulator} "${build}/consumer")
  else()
    run("${build}/consumer")
  endif()
endforeach()
