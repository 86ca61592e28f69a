# gpufleet_git_revision(<dir> <out_var>): the short commit hash of the git checkout that holds
# <dir>, or "unknown" when <dir> is in no checkout or git is not installed. Evaluated when CMake
# configures, so a build made after later commits, without reconfiguring, names the older one.
#
# As a script, for tests: cmake -DDIR=<dir> -P git_revision.cmake prints "revision <hash>".
function(gpufleet_git_revision dir out_var)
  set(revision unknown)
  find_program(GPUFLEET_GIT git)
  if(GPUFLEET_GIT)
    execute_process(COMMAND ${GPUFLEET_GIT} -C ${dir} rev-parse --short=12 HEAD
                    OUTPUT_VARIABLE hash RESULT_VARIABLE status
                    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    if(status EQUAL 0 AND hash MATCHES "^[0-9a-f]+$")
      set(revision ${hash})
    endif()
  endif()
  set(${out_var} ${revision} PARENT_SCOPE)
endfunction()

if(CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
  if(NOT DEFINED DIR)
    message(FATAL_ERROR "usage: cmake -DDIR=<folder> -P git_revision.cmake")
  endif()
  gpufleet_git_revision(${DIR} revision)
  message("revision ${revision}")
endif()
