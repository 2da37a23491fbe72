#pragma once

#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "FakeCallStore.h"
#include "FakeTimeSource.h"
#include "LeasingQueue.h"
#include "vo/api/VoiceProvider.h"
#include "vo/core/Dispatcher.h"
#include "vo/core/Metrics.h"
#include "vo/queue_memory/MemoryQueue.h"
#include "vo/testing/Wait.h"

namespace vo::testing {

// A provider whose answers the test scripts, counting every dial per call. An asynchronous dial
// runs its script on a thread of its own, so a script that holds a dial holds only that one.
class ScriptedProvider : public api::VoiceProvider {
 public:
  ~ScriptedProvider() override;
  using DialScript = std::function<api::DialResult(const api::DialRequest&)>;
  using LookupScript = std::function<api::LookupResult(const api::Call&)>;

  void onDial(DialScript script);
  // Runs on the dispatcher's thread inside dialAsync, before the dial's own thread starts: a
  // provider that throws from dialAsync.
  void onDialAsyncStart(std::function<void(const api::DialRequest&)> hook);
  void onLookup(LookupScript script);
  int dials(const std::string& callId);
  int totalDials();
  std::vector<api::DialRequest> requests();

  api::DialResult dial(const api::DialRequest& request) override;
  void dialAsync(const api::DialRequest& request, api::DialDone done) override;
  api::WebhookResponse handleWebhook(const api::WebhookRequest&) override;
  api::LookupResult lookup(const api::LookupRequest& request) override;
  api::ComponentHealth health() override { return {}; }

 private:
  std::mutex mutex_;
  DialScript dialScript_;
  std::function<void(const api::DialRequest&)> dialAsyncStart_;
  LookupScript lookupScript_;
  std::map<std::string, int> dials_;
  std::vector<api::DialRequest> requests_;
  std::vector<std::thread> asyncDials_;
};

// Holds the provider calls that pass() it until open(). Scripts capture it by shared_ptr, so it
// outlives the test's body (the dispatcher may call a script again before it stops), and an
// OpenAtExit opens it whichever way the test ends, a failed assertion included.
class Gate {
 public:
  void pass();
  bool reached();
  void open();

  struct OpenAtExit {
    std::shared_ptr<Gate> gate;
    ~OpenAtExit() { gate->open(); }
  };

 private:
  std::mutex mutex_;
  std::condition_variable opened_;
  bool reached_ = false;
  bool open_ = false;
};

api::DialResult acceptedAs(const std::string& providerCallId);
api::DialResult answered(api::DialOutcome outcome, std::string message = "provider says no");
// A provider's final outcome by its call id, with a duration, a reason and detail.
api::CallEvent finalEvent(const std::string& providerCallId, api::CallStatus status);

// A dispatcher over a fake store, the real in-memory queue (with leaseNew), a scripted provider
// and a fake clock, with one
// workspace "ws1" (agent "agent1", phone number "phone1") registered.
class DispatcherTest : public ::testing::Test {
 protected:
  DispatcherTest();
  ~DispatcherTest() override;

  // Builds the dispatcher (not started) with `config_` and `pacing_` as they are now.
  core::Dispatcher& dispatcher();
  api::Call makeCall(const std::string& id, api::Lane lane = api::Lane::kBulk,
                     const std::string& campaignId = "");
  // Stores the calls as queued and puts them in line.
  void submit(const std::vector<api::Call>& calls);
  // A priority request without an Idempotency-Key.
  static std::optional<api::IdempotencyRecord> noAnswer(const api::Call&) { return std::nullopt; }
  api::Call stored(const std::string& id);
  // Bounded wait until the call's status is `status`; false if it never got there.
  bool waitForStatus(const std::string& id, api::CallStatus status);
  bool waitUntilAll(const std::function<bool(const api::Call&)>& done);
  api::QueueCounts queueCounts();
  // One per process (see TestMetrics.cpp): counters are read by differences.
  static core::Metrics& metrics();
  static uint64_t counter(const std::string& name, const std::string& labels);
  // The counters of makeCall()'s workspace and agent (ws1, agent1).
  static core::AgentRow& agentRow() { return metrics().perAgent().row("ws1", "agent1"); }

  core::DispatcherConfig config_;
  core::PacingConfig pacing_;
  FakeCallStore store_;
  FakeTimeSource clock_;
  std::unique_ptr<LeasingQueue> queue_ =
      std::make_unique<LeasingQueue>(queue_memory::makeMemoryQueue());
  ScriptedProvider provider_;
  std::shared_ptr<spdlog::logger> logger_;
  std::unique_ptr<core::Dispatcher> dispatcher_;
};

}  // namespace vo::testing
