# Shim for the fuzz build: the parent CMakeLists.txt runs ${CMAKE_SOURCE_DIR}/cmake/embed_files.cmake with
# ROOT=${CMAKE_SOURCE_DIR}, which is fuzz/ when it is added from fuzz/CMakeLists.txt; embed the real catalog.
get_filename_component(ROOT "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
include("${ROOT}/cmake/embed_files.cmake")
