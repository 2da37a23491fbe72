# vo_add_plugin(NAME <target> KIND <kind> IMPL <impl-target> SOURCES <descriptor sources...>)
# Builds a plugin as a MODULE library named vo-<kind>-<name>.so in ${VO_PLUGIN_OUTPUT_DIRECTORY},
# with hidden visibility and -z,defs, linking its static *_impl library.
function(vo_add_plugin)
  cmake_parse_arguments(ARG "" "NAME;KIND;IMPL" "SOURCES" ${ARGN})
  set(target vo-${ARG_KIND}-${ARG_NAME})
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE ${ARG_IMPL} vo_api)
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME ${target}
    LIBRARY_OUTPUT_DIRECTORY ${VO_PLUGIN_OUTPUT_DIRECTORY}
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_link_options(${target} PRIVATE -Wl,-z,defs)
  set_property(GLOBAL APPEND PROPERTY VO_PLUGIN_TARGETS ${target})
endfunction()

# vo_add_impl(<target> SOURCES ...): the static library holding a plugin's logic, linked by the
# plugin module and directly by its tests. Position independent so it can go into a module.
function(vo_add_impl target)
  cmake_parse_arguments(ARG "" "" "SOURCES" ${ARGN})
  add_library(${target} STATIC ${ARG_SOURCES})
  set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  target_link_libraries(${target} PUBLIC vo_api)
endfunction()
