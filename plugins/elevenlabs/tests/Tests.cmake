# Included by ../CMakeLists.txt; vo_elevenlabs_add_tests runs at the end of the root directory.
function(vo_elevenlabs_add_tests)
  set(dir ${CMAKE_CURRENT_FUNCTION_LIST_DIR})
  vo_add_gtest(elevenlabs_tests
    SOURCES ${dir}/DialTest.cpp ${dir}/WebhookTest.cpp ${dir}/LookupTest.cpp
            ${dir}/SettingsTest.cpp ${dir}/ApiClientTest.cpp
    LIBS elevenlabs_impl fake_elevenlabs vo_test_support OpenSSL::SSL
    LABELS unit)
  target_include_directories(elevenlabs_tests PRIVATE ${dir}/../src)
  # The VoiceProvider contract, against the fake ElevenLabs.
  vo_add_gtest(elevenlabs_contract_tests
    SOURCES ${dir}/ElevenLabsContractTest.cpp
    LIBS vo_provider_contract elevenlabs_impl fake_elevenlabs vo_test_support
    LABELS contract unit)
endfunction()
