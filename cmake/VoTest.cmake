include(GoogleTest)

# vo_add_gtest(<name> SOURCES <files...> LIBS <targets...> [LABELS <labels...>])
# A GoogleTest executable registered with CTest, one CTest test per TEST(). Labels let
# scripts/test.sh pick suites (unit, contract, e2e, redis, postgres, bench).
function(vo_add_gtest name)
  # RUN_SERIAL: the tests run alone (they restart a server other tests share).
  cmake_parse_arguments(ARG "RUN_SERIAL" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE VO_BINARY_DIR="${CMAKE_BINARY_DIR}"
                                             VO_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  # gtest_discover_tests splits a label list into separate properties, so the labels travel as
  # one comma-joined label; `ctest -L <regex>` matches inside it (-L redis finds "e2e,redis").
  string(JOIN "," labels ${ARG_LABELS})
  set(serial FALSE)
  if(ARG_RUN_SERIAL)
    set(serial TRUE)
  endif()
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60
                       PROPERTIES LABELS "${labels}" TIMEOUT 900 RUN_SERIAL ${serial})
endfunction()
