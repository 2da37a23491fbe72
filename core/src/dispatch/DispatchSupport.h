#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "vo/api/Call.h"
#include "vo/api/CallQueue.h"
#include "vo/api/VoiceProvider.h"
#include "vo/core/Metrics.h"

namespace vo::core::dispatch {

// The dispatcher's metrics, registered once so the hot path only touches atomics.
struct DispatchMetrics {
  explicit DispatchMetrics(Metrics& metrics);
  // The counters of the call's workspace and agent (dial outcomes, final statuses).
  AgentRow& of(const api::Call& call) { return perAgent.row(call.workspaceId, call.agentId); }

  AgentCounters& perAgent;
  Histogram& latency;
  Counter& retried;
  Counter& dropped;
  Counter& markedUnknown;
  Counter& eventsApplied;
  Counter& eventsIgnored;
  Counter& eventsForUnknownCalls;
  Counter& swept;
  Counter& leasesRecovered;
  Counter& reconciled;
};

// A leased job whose call this process moved to `dispatching`: `call` as it stands after that
// move; its `attempts` is the fencing token every later write about this dial carries.
struct DialJob {
  api::Lease lease;
  api::Call call;
};

// Calls whose dial is running in this process. Recovery leaves them alone (their lease or
// updatedAt may look stale during a slow dial), an outcome that arrives while the dial is still
// being recorded is remembered so the call's pacing slots are released afterwards, and a webhook
// that beats the dial's record finds its call by the provider's id here.
class InFlightCalls {
 public:
  void begin(const std::string& callId);
  // True when a final outcome arrived while the call was in flight.
  bool end(const std::string& callId);
  bool contains(const std::string& callId);
  // Waits (bounded) until the call is no longer in flight.
  void waitUntilDone(const std::string& callId, std::chrono::milliseconds timeout);
  // Notes a final outcome; true when the call is in flight (its dial routine releases slots).
  bool noteFinal(const std::string& callId);
  // The provider accepted the call under this id; its record is being written.
  void noteAccepted(const std::string& callId, const std::string& providerCallId);
  // The call in flight that the provider accepted under this id, if any.
  std::optional<std::string> callOfProviderId(const std::string& providerCallId);
  int64_t size();

 private:
  std::mutex mutex_;
  std::condition_variable ended_;
  std::unordered_set<std::string> running_;
  std::unordered_set<std::string> finishedEarly_;
  std::unordered_map<std::string, std::string> byProviderId_;  // provider id -> call id
  std::unordered_map<std::string, std::string> providerIdOf_;  // call id -> provider id
};

}  // namespace vo::core::dispatch
