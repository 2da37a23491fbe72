// The simulator's own behaviour: config validation, determinism, the record file and lookups.
// What every provider must do is in tests/contract/provider.
#include <gtest/gtest.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <vector>

#include "Outcomes.h"
#include "vo/api/ConfigReader.h"
#include "vo/simulator/Simulator.h"

namespace vo::simulator {
namespace {

class CollectingSink : public api::CallEventSink {
 public:
  void publish(std::span<const api::CallEvent> events) override {
    std::unique_lock lock(mutex_);
    events_.insert(events_.end(), events.begin(), events.end());
    batchSizes_.push_back(events.size());
    arrived_.notify_all();
    // As the core does while it records a batch: the simulator's timer waits meanwhile.
    arrived_.wait_for(lock, std::chrono::seconds(30), [&] { return !holding_; });
  }
  // Until release(), a publish returns only once released.
  void hold() {
    std::lock_guard lock(mutex_);
    holding_ = true;
  }
  void release() {
    std::lock_guard lock(mutex_);
    holding_ = false;
    arrived_.notify_all();
  }
  std::vector<std::size_t> batchSizes() {
    std::lock_guard lock(mutex_);
    return batchSizes_;
  }
  // Waits (bounded, not timed) until `count` events arrived.
  std::vector<api::CallEvent> waitFor(std::size_t count) {
    std::unique_lock lock(mutex_);
    arrived_.wait_for(lock, std::chrono::seconds(30), [&] { return events_.size() >= count; });
    return events_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<api::CallEvent> events_;
  std::vector<std::size_t> batchSizes_;
  bool holding_ = false;
};

class TempFile {
 public:
  TempFile()
      : path_(std::filesystem::temp_directory_path() /
              ("vo-sim-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++))) {}
  ~TempFile() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }
  std::vector<std::string> lines() const {
    std::ifstream in(path_);
    std::vector<std::string> all;
    for (std::string line; std::getline(in, line);) all.push_back(line);
    return all;
  }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

api::DialRequest requestFor(const std::string& callId, int attempt = 1) {
  api::DialRequest request;
  request.call.id = callId;
  request.call.to = "+34600000001";
  request.call.agentPhoneNumberId = "phnum_1";
  request.call.attempts = attempt;
  request.phoneNumberProvider = "twilio";
  return request;
}

SimulatorConfig quick() {
  SimulatorConfig config;
  config.latencyMs = 0;
  config.callDurationMs = 0;
  return config;
}

TEST(SimulatorConfig, DefaultsWhenEmpty) {
  const auto config = parseSimulatorConfig(YAML::Node(), "p");
  EXPECT_EQ(config.latencyMs, 50);
  EXPECT_EQ(config.callDurationMs, 3000);
  EXPECT_EQ(config.outcomes.completed, 1);
  EXPECT_EQ(config.outcomes.rateLimited, 0);
  EXPECT_TRUE(config.recordFile.empty());
}

TEST(SimulatorConfig, MixLeavesOutWhatItDoesNotName) {
  const auto config =
      parseSimulatorConfig(YAML::Load("outcomes: {busy: 2, ambiguous: 1}\nseed: 7"), "p");
  EXPECT_EQ(config.outcomes.completed, 0);
  EXPECT_EQ(config.outcomes.busy, 2);
  EXPECT_EQ(config.outcomes.ambiguous, 1);
  EXPECT_EQ(config.seed, 7u);
}

TEST(SimulatorConfig, RejectsBadKeysNamingThem) {
  const auto messageOf = [](const std::string& yaml) {
    try {
      parseSimulatorConfig(YAML::Load(yaml), "plugins.provider.config");
    } catch (const api::ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(messageOf("latencyMz: 5").find("plugins.provider.config.latencyMz"), std::string::npos);
  EXPECT_NE(messageOf("latencyMs: -1").find("latencyMs"), std::string::npos);
  EXPECT_NE(messageOf("outcomes: {completed: 0}").find("outcomes"), std::string::npos);
  EXPECT_NE(messageOf("outcomes: {sometimes: 1}").find("outcomes.sometimes"), std::string::npos);
}

TEST(SimulatorOutcomes, SameInputsSamePlanAndTheMixIsFollowed) {
  SimulatorConfig config = quick();
  config.outcomes = {1, 1, 1, 1, 1, 1, 1};
  std::map<SimOutcome, int> seen;
  for (int i = 0; i < 700; ++i) {
    const std::string id = "call_" + std::to_string(i);
    const DialPlan plan = planDial(config, id, 1);
    EXPECT_EQ(planDial(config, id, 1).outcome, plan.outcome);
    EXPECT_EQ(planDial(config, id, 1).finalStatus, plan.finalStatus);
    ++seen[plan.outcome];
  }
  EXPECT_EQ(seen.size(), 7u);  // every outcome of a uniform mix happens among 700 calls
  config.outcomes = {0, 0, 0, 0, 0, 0, 1};
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(planDial(config, "c" + std::to_string(i), 2).outcome, SimOutcome::kAmbiguous);
  }
}

TEST(SimulatorOutcomes, ProviderCallIdRoundTrips) {
  const std::string id = makeProviderCallId("01HX_with_underscores", 3, 1700000000123);
  auto parsed = parseProviderCallId(id);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->callId, "01HX_with_underscores");
  EXPECT_EQ(parsed->attempt, 3);
  EXPECT_EQ(parsed->placedAtMs, 1700000000123);
  EXPECT_FALSE(parseProviderCallId("conv_123").has_value());
  EXPECT_FALSE(parseProviderCallId("sim_x_1_a").has_value());
}

TEST(Simulator, RecordsPlacedDialsAndEndsButNotRefusals) {
  TempFile file;
  SimulatorConfig config = quick();
  config.recordFile = file.path();
  config.outcomes = {1, 0, 0, 0, 1, 1, 1};
  CollectingSink sink;
  std::size_t placed = 0;
  {
    auto provider = makeSimulator(config, sink);
    for (int i = 0; i < 40; ++i) {
      const auto result = provider->dial(requestFor("call_" + std::to_string(i)));
      if (result.outcome == api::DialOutcome::kAccepted ||
          result.outcome == api::DialOutcome::kAmbiguous) {
        ++placed;
      }
      if (result.outcome == api::DialOutcome::kNotPlaced) {
        EXPECT_EQ(result.httpStatus, 429);
        EXPECT_TRUE(result.throttleAccount);
        EXPECT_EQ(result.retryAfterMs, config.rateLimitRetryAfterMs);
      }
    }
    ASSERT_GT(placed, 0u);
    EXPECT_EQ(sink.waitFor(placed).size(), placed);
  }
  std::size_t dials = 0;
  std::size_t ends = 0;
  for (const auto& line : file.lines()) {
    std::istringstream words(line);
    std::string kind, atMs, callId, to, phone, providerCallId;
    words >> kind;
    if (kind == "dial") {
      ASSERT_TRUE(words >> atMs >> callId >> to >> phone >> providerCallId) << line;
      EXPECT_EQ(to, "+34600000001");
      EXPECT_EQ(phone, "phnum_1");
      EXPECT_TRUE(providerCallId.starts_with("sim_"));
      ++dials;
    } else {
      EXPECT_EQ(kind, "end") << line;
      ++ends;
    }
  }
  EXPECT_EQ(dials, placed);
  EXPECT_EQ(ends, placed);
}

// Ends that come due while the core is recording earlier ones go to it in one batch, not one by
// one behind each other.
TEST(Simulator, DeliversEndsDueTogetherInOneBatch) {
  CollectingSink sink;
  sink.hold();
  auto provider = makeSimulator(quick(), sink);
  ASSERT_EQ(provider->dial(requestFor("call_first")).outcome, api::DialOutcome::kAccepted);
  ASSERT_EQ(sink.waitFor(1).size(), 1u);  // its publish is held: every later end waits
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(provider->dial(requestFor("call_" + std::to_string(i))).outcome,
              api::DialOutcome::kAccepted);
  }
  sink.release();
  EXPECT_EQ(sink.waitFor(21).size(), 21u);
  EXPECT_EQ(sink.batchSizes(), (std::vector<std::size_t>{1, 20}));
}

TEST(Simulator, ALaterInstanceKnowsWhatTheRecordSaysWasPlaced) {
  TempFile file;
  SimulatorConfig config = quick();
  config.recordFile = file.path();
  config.callDurationMs = 3600 * 1000;  // still ringing when asked
  CollectingSink sink;
  std::string providerCallId;
  {
    auto first = makeSimulator(config, sink);
    providerCallId = first->dial(requestFor("placed_1")).providerCallId;
  }
  auto second = makeSimulator(config, sink);
  api::Call placed;
  placed.id = "placed_1";
  const auto inProgress = second->lookup(vo::api::lookupRequestOf(placed));
  EXPECT_EQ(inProgress.outcome, api::LookupOutcome::kInProgress);
  EXPECT_EQ(inProgress.event.providerCallId, providerCallId);

  api::Call never;
  never.id = "never_dialed";
  EXPECT_EQ(second->lookup(vo::api::lookupRequestOf(never)).outcome,
            api::LookupOutcome::kNotPlaced);

  config.recordFile.clear();
  auto forgetful = makeSimulator(config, sink);
  EXPECT_EQ(forgetful->lookup(vo::api::lookupRequestOf(never)).outcome,
            api::LookupOutcome::kUnsupported);
}

TEST(Simulator, LookupByProviderIdTellsTheDeterministicEnd) {
  SimulatorConfig config = quick();
  config.outcomes = {0, 0, 1, 0, 0, 0, 0};  // always busy
  CollectingSink sink;
  auto provider = makeSimulator(config, sink);
  const auto dial = provider->dial(requestFor("busy_1"));
  ASSERT_EQ(dial.outcome, api::DialOutcome::kAccepted);
  api::Call call;
  call.id = "busy_1";
  call.providerCallId = dial.providerCallId;
  const auto found = provider->lookup(vo::api::lookupRequestOf(call));
  EXPECT_EQ(found.outcome, api::LookupOutcome::kFinal);
  EXPECT_EQ(found.event.status, api::CallStatus::kBusy);
  EXPECT_EQ(found.event.callId, "busy_1");
  const auto pushed = sink.waitFor(1);
  ASSERT_EQ(pushed.size(), 1u);
  EXPECT_EQ(pushed[0].status, api::CallStatus::kBusy);
  EXPECT_EQ(pushed[0].providerCallId, dial.providerCallId);
}

TEST(Simulator, HasNoWebhooks) {
  CollectingSink sink;
  auto provider = makeSimulator(quick(), sink);
  const auto response = provider->handleWebhook({{}, "{}", 0, {}});
  EXPECT_EQ(response.httpStatus, 404);
  EXPECT_TRUE(response.events.empty());
  EXPECT_TRUE(provider->health().up);
}

}  // namespace
}  // namespace vo::simulator
