# Included by ../CMakeLists.txt; runs at the end of the root directory.
function(vo_queue_redis_add_tests)
  set(dir ${CMAKE_CURRENT_FUNCTION_LIST_DIR})
  add_library(vo_redis_test_server STATIC ${dir}/RedisServerProcess.cpp)
  target_include_directories(vo_redis_test_server PUBLIC ${dir})
  target_include_directories(vo_redis_test_server PRIVATE ${HIREDIS_INCLUDE_DIR})
  target_link_libraries(vo_redis_test_server PUBLIC vo_test_support PRIVATE ${HIREDIS_LIBRARY})
  vo_add_gtest(queue_redis_tests
    SOURCES ${dir}/RedisQueueOutageTest.cpp ${dir}/RedisQueueConfigTest.cpp
    LIBS queue_redis_impl vo_redis_test_server yaml-cpp
    LABELS unit redis)
endfunction()
