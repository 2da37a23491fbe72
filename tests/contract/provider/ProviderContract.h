#pragma once

// The VoiceProvider contract: what the dispatcher relies on from every provider.
//
// To run it for a provider:
//  1. Implement ProviderScenario: it builds the provider so that its dials get the answer asked
//     for (a simulator's outcome mix, a fake server's scripted reply) and makes it report the end
//     of an accepted call (a pushed event, or a webhook passed through handleWebhook).
//  2. In a test executable that links the OBJECT library `vo_provider_contract` (so every
//     TEST_P reaches it) and your provider's *_impl library:
//       INSTANTIATE_TEST_SUITE_P(
//           MyProvider, VoiceProviderContract,
//           ::testing::Values(vo::contract::ProviderScenarioFactory{
//               "my_provider", [] { return std::make_unique<MyScenario>(); }}),
//           vo::contract::scenarioName);
//     tests/contract/provider/SimulatorContractTest.cpp is a complete example.

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "vo/api/VoiceProvider.h"

namespace vo::contract {

// The answer a scenario makes its provider give to every dial.
enum class ProviderBehaviour {
  kAccept,     // the call is placed
  kNotPlaced,  // certainly not placed and retryable (connection refused, 429)
  kReject,     // refused for good (invalid number, bad credentials)
  kAmbiguous,  // maybe placed (timeout after sending, 5xx)
};

class ProviderScenario {
 public:
  virtual ~ProviderScenario();

  // The provider under test, made to answer `behaviour`; an accepted call later ends with
  // `endStatus` where the scenario decides that at build time. Called once per test.
  virtual api::VoiceProvider& provider(ProviderBehaviour behaviour, api::CallStatus endStatus) = 0;
  // A request the provider takes as well formed for the call with this id.
  virtual api::DialRequest request(const std::string& callId);
  // Has the provider report the end of an accepted call with `endStatus` and returns the events
  // the core would receive (pushed to the sink or returned by handleWebhook).
  virtual std::vector<api::CallEvent> finishCall(const api::Call& call, const api::DialResult& dial,
                                                 api::CallStatus endStatus) = 0;
};

struct ProviderScenarioFactory {
  std::string name;
  std::function<std::unique_ptr<ProviderScenario>()> make;
};

std::string scenarioName(const ::testing::TestParamInfo<ProviderScenarioFactory>& info);

class VoiceProviderContract : public ::testing::TestWithParam<ProviderScenarioFactory> {
 protected:
  void SetUp() override;
  void TearDown() override;
  api::VoiceProvider& provider(ProviderBehaviour behaviour,
                               api::CallStatus endStatus = api::CallStatus::kCompleted);
  api::DialResult dial(const std::string& callId);
  // dialAsync, waiting for its answer; fails the test if it is answered more than once.
  api::DialResult dialAsync(const std::string& callId);
  // The same call's dial both ways (ids callId + "_sync" and callId + "_async").
  std::vector<api::DialResult> dialBothWays(const std::string& callId);

  std::unique_ptr<ProviderScenario> scenario_;
  api::VoiceProvider* provider_ = nullptr;
};

}  // namespace vo::contract
