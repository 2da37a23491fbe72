#include "ProviderContract.h"

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "vo/testing/Json.h"

namespace vo::contract {

ProviderScenario::~ProviderScenario() = default;

api::DialRequest ProviderScenario::request(const std::string& callId) {
  api::DialRequest request;
  request.call.id = callId;
  request.call.workspaceId = "ws_contract";
  request.call.agentId = "agent_contract";
  request.call.agentPhoneNumberId = "phnum_contract";
  request.call.to = "+34631021622";
  request.call.from = "+34601893170";
  request.call.variablesJson = R"({"customerName":"Juan"})";
  request.call.status = api::CallStatus::kDispatching;
  request.call.attempts = 1;
  request.phoneNumberProvider = "twilio";
  return request;
}

std::string scenarioName(const ::testing::TestParamInfo<ProviderScenarioFactory>& info) {
  return info.param.name;
}

void VoiceProviderContract::SetUp() {
  scenario_ = GetParam().make();
}

void VoiceProviderContract::TearDown() {
  scenario_.reset();
}

api::VoiceProvider& VoiceProviderContract::provider(ProviderBehaviour behaviour,
                                                    api::CallStatus endStatus) {
  provider_ = &scenario_->provider(behaviour, endStatus);
  return *provider_;
}

api::DialResult VoiceProviderContract::dial(const std::string& callId) {
  return provider_->dial(scenario_->request(callId));
}

namespace {

// The answers of asynchronous dials, by call id, for a test to wait on.
class AsyncAnswers {
 public:
  api::DialDone collector(const std::string& callId) {
    return [this, callId](api::DialResult result) {
      std::lock_guard lock(mutex_);
      answers_[callId].push_back(std::move(result));
      changed_.notify_all();
    };
  }
  // Once `calls` call ids have an answer: every answer so far.
  std::map<std::string, std::vector<api::DialResult>> waitForCalls(std::size_t calls) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return answers_.size() >= calls; });
    return answers_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, std::vector<api::DialResult>> answers_;
};

}  // namespace

api::DialResult VoiceProviderContract::dialAsync(const std::string& callId) {
  AsyncAnswers answers;
  provider_->dialAsync(scenario_->request(callId), answers.collector(callId));
  answers.waitForCalls(1);
  // A second answer would come from the same place as the first, at about the same time.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const std::vector<api::DialResult> all = answers.waitForCalls(1).at(callId);
  EXPECT_EQ(all.size(), 1U) << "dialAsync answered more than once";
  return all.front();
}

std::vector<api::DialResult> VoiceProviderContract::dialBothWays(const std::string& callId) {
  return {dial(callId + "_sync"), dialAsync(callId + "_async")};
}

namespace {

bool isJsonObject(const std::string& text) {
  try {
    return vo::testing::Json::parse(text).isObject();
  } catch (const std::runtime_error&) {
    return false;
  }
}

}  // namespace

TEST_P(VoiceProviderContract, AcceptedDialCarriesTheProvidersCallId) {
  provider(ProviderBehaviour::kAccept);
  for (const api::DialResult& result : dialBothWays("call_accept_1")) {
    ASSERT_EQ(result.outcome, api::DialOutcome::kAccepted) << result.message;
    EXPECT_FALSE(result.providerCallId.empty());
    EXPECT_TRUE(isJsonObject(result.providerDataJson)) << result.providerDataJson;
    EXPECT_FALSE(result.throttleAccount);
  }
}

TEST_P(VoiceProviderContract, ManyAsyncDialsFromOneThreadAreEachAnsweredOnceWithTheirOwnCallId) {
  provider(ProviderBehaviour::kAccept);
  constexpr int kDials = 64;
  AsyncAnswers answers;
  for (int i = 0; i < kDials; ++i) {
    const std::string callId = "call_async_" + std::to_string(i);
    provider_->dialAsync(scenario_->request(callId), answers.collector(callId));
  }
  std::set<std::string> ids;
  for (const auto& [callId, results] : answers.waitForCalls(kDials)) {
    ASSERT_EQ(results.size(), 1U) << callId;
    EXPECT_EQ(results.front().outcome, api::DialOutcome::kAccepted) << results.front().message;
    ids.insert(results.front().providerCallId);
  }
  EXPECT_EQ(ids.size(), std::size_t(kDials));
}

TEST_P(VoiceProviderContract, ConcurrentDialsEachGetTheirOwnCallId) {
  provider(ProviderBehaviour::kAccept);
  constexpr int kThreads = 8;
  constexpr int kDialsEach = 4;
  std::vector<std::vector<api::DialResult>> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kDialsEach; ++i) {
        results[t].push_back(dial("call_c" + std::to_string(t) + "_" + std::to_string(i)));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::set<std::string> ids;
  for (const auto& perThread : results) {
    for (const auto& result : perThread) {
      EXPECT_EQ(result.outcome, api::DialOutcome::kAccepted) << result.message;
      ids.insert(result.providerCallId);
    }
  }
  EXPECT_EQ(ids.size(), std::size_t(kThreads * kDialsEach));
}

TEST_P(VoiceProviderContract, NotPlacedSaysSoAndCarriesNoCallId) {
  provider(ProviderBehaviour::kNotPlaced);
  for (const api::DialResult& result : dialBothWays("call_not_placed")) {
    EXPECT_EQ(result.outcome, api::DialOutcome::kNotPlaced);
    EXPECT_TRUE(result.providerCallId.empty());
    EXPECT_FALSE(result.message.empty());
  }
}

TEST_P(VoiceProviderContract, RejectedCarriesTheProvidersWords) {
  provider(ProviderBehaviour::kReject);
  for (const api::DialResult& result : dialBothWays("call_rejected")) {
    EXPECT_EQ(result.outcome, api::DialOutcome::kRejected);
    EXPECT_FALSE(result.message.empty());
  }
}

TEST_P(VoiceProviderContract, MaybePlacedIsAmbiguousNeverNotPlaced) {
  provider(ProviderBehaviour::kAmbiguous);
  for (const api::DialResult& result : dialBothWays("call_ambiguous")) {
    EXPECT_EQ(result.outcome, api::DialOutcome::kAmbiguous);
    EXPECT_FALSE(result.message.empty());
  }
}

TEST_P(VoiceProviderContract, EndOfAnAcceptedCallIsReportedWithItsStatus) {
  for (const api::CallStatus endStatus :
       {api::CallStatus::kCompleted, api::CallStatus::kNoAnswer}) {
    SetUp();  // a fresh scenario per end status
    provider(ProviderBehaviour::kAccept, endStatus);
    const std::string callId = "call_end_" + std::string(api::toString(endStatus));
    const api::DialRequest request = scenario_->request(callId);
    const api::DialResult result = provider_->dial(request);
    ASSERT_EQ(result.outcome, api::DialOutcome::kAccepted) << result.message;
    api::Call call = request.call;
    call.providerCallId = result.providerCallId;
    const auto events = scenario_->finishCall(call, result, endStatus);
    ASSERT_FALSE(events.empty()) << "no event for " << api::toString(endStatus);
    bool found = false;
    for (const auto& event : events) {
      if (event.providerCallId != result.providerCallId && event.callId != callId) continue;
      found = true;
      EXPECT_EQ(event.status, endStatus);
      EXPECT_TRUE(api::isFinal(event.status));
    }
    EXPECT_TRUE(found) << "no event names call " << callId;
  }
}

TEST_P(VoiceProviderContract, LookupOfAnAcceptedCallNeverSaysNotPlaced) {
  provider(ProviderBehaviour::kAccept);
  const api::DialRequest request = scenario_->request("call_lookup");
  const api::DialResult result = provider_->dial(request);
  ASSERT_EQ(result.outcome, api::DialOutcome::kAccepted) << result.message;
  api::Call call = request.call;
  call.status = api::CallStatus::kInitiated;
  call.providerCallId = result.providerCallId;
  const api::LookupResult found = provider_->lookup(vo::api::lookupRequestOf(call));
  EXPECT_NE(found.outcome, api::LookupOutcome::kNotPlaced);
  if (found.outcome == api::LookupOutcome::kFinal) {
    EXPECT_TRUE(api::isFinal(found.event.status));
  }
}

TEST_P(VoiceProviderContract, GarbageWebhookIsRefusedWithA4xx) {
  provider(ProviderBehaviour::kAccept);
  api::WebhookRequest request;
  request.headers["content-type"] = "application/json";
  request.body = "{not json";
  const api::WebhookResponse response = provider_->handleWebhook(request);
  EXPECT_GE(response.httpStatus, 400);
  EXPECT_LT(response.httpStatus, 500);
  EXPECT_TRUE(response.events.empty());
  EXPECT_TRUE(isJsonObject(response.body)) << response.body;
}

TEST_P(VoiceProviderContract, HealthIsUpWhenItsDependencyIs) {
  provider(ProviderBehaviour::kAccept);
  const api::ComponentHealth health = provider_->health();
  EXPECT_TRUE(health.up) << health.detail;
  EXPECT_FALSE(health.detail.empty());
}

}  // namespace vo::contract
