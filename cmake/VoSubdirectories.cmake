# vo_add_subdirectories(): adds every direct subfolder of the current source folder that has a
# CMakeLists.txt, in name order. Plugins, test areas and benchmarks are one folder each, so a
# new one needs no edit elsewhere.
function(vo_add_subdirectories)
  file(GLOB children LIST_DIRECTORIES true ${CMAKE_CURRENT_SOURCE_DIR}/*)
  list(SORT children)
  foreach(dir ${children})
    if(IS_DIRECTORY ${dir} AND EXISTS ${dir}/CMakeLists.txt)
      add_subdirectory(${dir})
    endif()
  endforeach()
endfunction()
