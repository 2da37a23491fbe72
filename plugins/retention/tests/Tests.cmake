# Included by ../CMakeLists.txt; vo_retention_add_tests runs at the end of the root directory,
# when every store's impl library is defined.
function(vo_retention_add_tests)
  set(dir ${CMAKE_CURRENT_FUNCTION_LIST_DIR})
  vo_add_gtest(retention_unit_tests
    SOURCES ${dir}/RetentionScheduleTest.cpp
    LIBS retention_impl
    LABELS unit)

  # The same suite once per real store, each in its own executable so the PostgreSQL one
  # carries the "postgres" label that scripts/test.sh runs under pg_virtualenv.
  set(suite ${dir}/RetentionStoreTest.cpp ${dir}/RetentionTestSupport.cpp ${dir}/ForwardingCallStore.cpp
            ${dir}/StoreBackends.cpp)
  if(TARGET store_sqlite_impl)
    vo_add_gtest(retention_sqlite_tests SOURCES ${suite}
                 LIBS retention_impl store_sqlite_impl yaml-cpp LABELS unit)
    target_compile_definitions(retention_sqlite_tests PRIVATE VO_RETENTION_TEST_SQLITE)
    vo_retention_add_bench(sqlite store_sqlite_impl VO_RETENTION_TEST_SQLITE)
  endif()
  if(TARGET store_postgres_impl)
    vo_add_gtest(retention_postgres_tests SOURCES ${suite}
                 LIBS retention_impl store_postgres_impl yaml-cpp PostgreSQL::PostgreSQL
                 LABELS postgres)
    target_compile_definitions(retention_postgres_tests PRIVATE VO_RETENTION_TEST_POSTGRES)
    vo_retention_add_bench(postgres "store_postgres_impl;PostgreSQL::PostgreSQL"
                           VO_RETENTION_TEST_POSTGRES)
  endif()
endfunction()

# retention_purge_bench_<store>: purge speed and an API-like write's latency meanwhile (prints
# figures; not a test). Uses the suite's store backends.
function(vo_retention_add_bench store libs definition)
  if(NOT VO_BUILD_BENCH)
    return()
  endif()
  set(root ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/..)
  add_executable(retention_purge_bench_${store} ${root}/bench/RetentionPurgeBench.cpp
                 ${root}/tests/StoreBackends.cpp ${root}/tests/ForwardingCallStore.cpp)
  target_link_libraries(retention_purge_bench_${store} PRIVATE retention_impl ${libs} yaml-cpp)
  target_compile_definitions(retention_purge_bench_${store} PRIVATE ${definition})
endfunction()
