# The layering test (CTest `layering`): data flows one way,
#   apps -> losses -> models -> layers -> core -> kernels,
# and inside apps/ the rooms flow cli -> eval, report, export -> train -> data.
# Reads every `#include "..."` line of the sources under the folders in the
# table below and fails, naming file:line, on an include from a lower level to
# a higher one. Same folder is fine (losses/ may include losses/); eval and
# report share a level and may not include each other.
#
#   cmake -DSOURCE_DIR=<repo root> -P tools/check_layering.cmake
#
# A plain CMake script (no Python) so it runs wherever the build does.
cmake_minimum_required(VERSION 3.25)

# ---- The table: "folder rank", higher ranks may include lower ones ---------------
# Files directly in apps/ (main.cpp) and headers named apps/<file>.h rank as cli.
set(MGST_LAYERS
  "kernels 0"
  "core 1"
  "layers 2"
  "models 3"
  "losses 4"
  "apps/data 5"
  "apps/train 6"
  "apps/eval 7"
  "apps/report 7"
  "apps/export 7"
  "apps/cli 8"
  "apps 8"
  # Never included by the library or the apps:
  "tests 9"
  "bench 9"
  "fuzz 9")
# kernels/ref/<op>.h (double-precision references) serve the tests and the
# kernels; nothing else in the scanned folders may include them.
set(MGST_REF_DIR "kernels/ref")
set(MGST_REF_ALLOWED kernels)
# Folders of one rank that may not include each other (the others of a rank may:
# apps/main.cpp and apps/cli/ are one room).
set(MGST_SIBLINGS apps/eval apps/report apps/export)
# Folders whose sources are scanned.
set(MGST_SCANNED apps losses models layers core kernels)
# ----------------------------------------------------------------------------------

if(NOT SOURCE_DIR)
  get_filename_component(SOURCE_DIR "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
endif()

# Rank of a repository-relative path: the longest folder prefix in the table.
function(mgst_rank path out_rank out_folder)
  set(best_len -1)
  set(best_rank "")
  set(best_folder "")
  foreach(entry IN LISTS MGST_LAYERS)
    string(REPLACE " " ";" entry "${entry}")
    list(GET entry 0 folder)
    list(GET entry 1 rank)
    string(LENGTH "${folder}" len)
    string(FIND "${path}" "${folder}/" pos)
    if(pos EQUAL 0 AND len GREATER best_len)
      set(best_len ${len})
      set(best_rank ${rank})
      set(best_folder ${folder})
    endif()
  endforeach()
  set(${out_rank} "${best_rank}" PARENT_SCOPE)
  set(${out_folder} "${best_folder}" PARENT_SCOPE)
endfunction()

set(files)
foreach(dir IN LISTS MGST_SCANNED)
  file(GLOB_RECURSE found RELATIVE "${SOURCE_DIR}"
    "${SOURCE_DIR}/${dir}/*.h" "${SOURCE_DIR}/${dir}/*.hpp" "${SOURCE_DIR}/${dir}/*.cpp"
    "${SOURCE_DIR}/${dir}/*.cu" "${SOURCE_DIR}/${dir}/*.cuh" "${SOURCE_DIR}/${dir}/*.inc")
  list(APPEND files ${found})
endforeach()
list(SORT files)

set(violations 0)
set(includes 0)
foreach(file IN LISTS files)
  mgst_rank("${file}" from_rank from_folder)
  get_filename_component(file_dir "${file}" DIRECTORY)
  file(READ "${SOURCE_DIR}/${file}" text)
  # One list element per line: neutralise the characters CMake lists treat
  # specially (; [ ] \) first, so the line numbers stay exact.
  string(REPLACE "\\" "/" text "${text}")
  string(REPLACE ";" "," text "${text}")
  string(REPLACE "[" "(" text "${text}")
  string(REPLACE "]" ")" text "${text}")
  string(REPLACE "\n" ";" lines "${text}")
  set(lineno 0)
  foreach(line IN LISTS lines)
    math(EXPR lineno "${lineno} + 1")
    if(NOT line MATCHES "^[ \t]*#[ \t]*include[ \t]*\"([^\"]+)\"")
      continue()
    endif()
    set(inc "${CMAKE_MATCH_1}")
    math(EXPR includes "${includes} + 1")
    # Root-relative ("core/tensor.h") when it names a folder of the table,
    # else relative to the including file ("cpu_common.h", "../error.h").
    mgst_rank("${inc}" to_rank to_folder)
    if(to_rank STREQUAL "")
      get_filename_component(abs "${SOURCE_DIR}/${file_dir}/${inc}" ABSOLUTE)
      file(RELATIVE_PATH inc_path "${SOURCE_DIR}" "${abs}")
      mgst_rank("${inc_path}" to_rank to_folder)
    else()
      set(inc_path "${inc}")
    endif()
    if(to_rank STREQUAL "")
      continue()  # outside the table (third_party, system headers in quotes)
    endif()
    if(to_rank GREATER from_rank OR
       (to_rank EQUAL from_rank AND NOT to_folder STREQUAL from_folder AND
        to_folder IN_LIST MGST_SIBLINGS AND from_folder IN_LIST MGST_SIBLINGS))
      message("${file}:${lineno}: ${from_folder}/ may not include ${inc_path} "
              "(${to_folder}/ is above or beside it: apps -> losses -> models -> layers -> core -> kernels; "
              "apps/cli -> eval, report -> train -> data)")
      math(EXPR violations "${violations} + 1")
    endif()
    string(FIND "${inc_path}" "${MGST_REF_DIR}/" ref_pos)
    if(ref_pos EQUAL 0 AND NOT from_folder IN_LIST MGST_REF_ALLOWED)
      message("${file}:${lineno}: ${from_folder}/ may not include ${inc_path} "
              "(${MGST_REF_DIR}/ is for the tests and the kernels only)")
      math(EXPR violations "${violations} + 1")
    endif()
  endforeach()
endforeach()

list(LENGTH files nfiles)
if(violations GREATER 0)
  message(FATAL_ERROR "layering: ${violations} upward include(s) in ${nfiles} files")
endif()
message("layering: ${includes} includes in ${nfiles} files, none upward")
