#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "dispatch/RegistryCache.h"
#include "vo/api/CallEventSink.h"
#include "vo/api/CallQueue.h"
#include "vo/api/CallStore.h"
#include "vo/api/VoiceProvider.h"
#include "vo/core/Dispatcher.h"
#include "vo/core/Metrics.h"

namespace vo::core::dispatch {

int64_t nowMs();

// The dispatcher's metrics, registered once so the hot path only touches atomics.
struct DispatchMetrics {
  explicit DispatchMetrics(Metrics& metrics);
  Counter& outcome(api::DialOutcome outcome);

  Histogram& latency;
  Counter& accepted;
  Counter& notPlaced;
  Counter& rejected;
  Counter& ambiguous;
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

// Calls whose dial is running in this process. Recovery leaves them alone (their lease or
// updatedAt may look stale during a slow dial), and an outcome that arrives while the dial is
// still being recorded is remembered so the call's pacing slots are released afterwards.
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
  int64_t size();

 private:
  std::mutex mutex_;
  std::condition_variable ended_;
  std::unordered_set<std::string> running_;
  std::unordered_set<std::string> finishedEarly_;
};

}  // namespace vo::core::dispatch

namespace vo::core {

class Dispatcher::Impl : public api::CallEventSink {
 public:
  Impl(const DispatcherConfig& config, const PacingConfig& pacing, api::CallStore& store,
       api::CallQueue& queue, api::VoiceProvider& provider, std::string providerName,
       Metrics& metrics, spdlog::logger& logger);
  ~Impl() override;

  // --- lifecycle and workers (Dispatcher.cpp) ---
  void start();
  void stop();
  api::Result<void> enqueue(std::span<const api::Call> calls);
  api::Result<std::optional<api::Call>> dispatchNow(const api::Call& call);
  void wakeWorkers();

  // --- one leased job, from claim to its outcome (CallDispatch.cpp) ---
  // The call must already be marked in flight (inFlight_.begin) by whoever claimed it.
  void processLease(const api::Lease& lease);

  // --- provider outcomes (Events.cpp) ---
  void applyEvents(std::span<const api::CallEvent> events);
  void publish(const api::CallEvent& event) override;
  // Applies one outcome to a call already read; true when the call changed.
  bool applyEventTo(const api::Call& call, const api::CallEvent& event);

  // --- recovery (Recovery.cpp) ---
  void recoverLeases(int64_t now);
  void expireStaleDispatching(int64_t now);
  void reconcileUnknown(int64_t now, int maxLookups);
  void reconcileInitiated(int64_t now, int maxLookups);
  // Re-enqueues due queued calls; a full pass pages through all of them.
  void sweep(int64_t now, bool fullPass);
  void reapplyPausedCampaigns();

  // --- campaigns (Campaigns.cpp) ---
  api::Result<api::Campaign> pauseCampaign(const std::string& campaignId);
  api::Result<api::Campaign> resumeCampaign(const std::string& campaignId);
  api::Result<api::Campaign> cancelCampaign(const std::string& campaignId);

 private:
  void workerLoop();
  void maintenanceLoop();
  // Takes a leased job for this worker: one handed off by another worker, or a fresh claim
  // sized to the idle workers. nullopt when stopping.
  std::optional<api::Lease> nextLease();
  void handBackUnstarted();
  // dispatchNow found the call leased: waits for the worker dialing it; the call afterwards, or
  // nullopt when it is still queued.
  api::Result<std::optional<api::Call>> dispatchedElsewhere(const std::string& callId);
  api::DialResult dialGuarded(const api::DialRequest& request);
  void finishDial(const api::Lease& lease, const api::Call& call, const api::DialResult& dial,
                  int64_t dialStartedMs);
  void retryOrFail(const api::Lease& lease, const api::Call& call, const api::DialResult& dial,
                   int64_t now, const api::CallAttempt& attempt);
  void releaseAfterFinal(const std::string& callId);
  void reconcileOne(const api::Call& call);
  // Registers the calls' pacing limits and puts them in line; how many were new to the queue.
  api::Result<int64_t> enqueueCalls(std::span<const api::Call> calls, int64_t now);
  // `dispatching` -> unknown for a call whose worker is gone, then asks the provider.
  void expireDispatching(api::Call call, int64_t now);

  const DispatcherConfig config_;
  api::CallStore& store_;
  api::CallQueue& queue_;
  api::VoiceProvider& provider_;
  const std::string providerName_;
  spdlog::logger& logger_;
  dispatch::DispatchMetrics metrics_;
  dispatch::RegistryCache registry_;
  dispatch::InFlightCalls inFlight_;
  std::mutex mutex_;
  std::condition_variable workAvailable_;
  std::condition_variable claimerWake_;
  std::condition_variable maintenanceWake_;
  std::condition_variable claimDone_;
  bool claimRunning_ = false;  // a worker is inside queue_.claim
  std::deque<api::Lease> handoff_;
  int idleWorkers_ = 0;
  bool claiming_ = false;
  bool stopping_ = false;
  bool started_ = false;
  uint64_t wakeups_ = 0;
  std::vector<std::thread> workers_;
  std::thread maintenance_;
  std::string sweepCursor_;
  std::string unknownCursor_;
  std::string initiatedCursor_;
};

}  // namespace vo::core
