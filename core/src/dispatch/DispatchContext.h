#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "dispatch/DispatchSupport.h"
#include "dispatch/GroupCommit.h"
#include "dispatch/RegistryCache.h"
#include "dispatch/RingingCalls.h"
#include "dispatch/UnrecordedOutcomes.h"
#include "vo/api/CallQueue.h"
#include "vo/api/CallStore.h"
#include "vo/api/VoiceProvider.h"
#include "vo/core/AppConfig.h"
#include "vo/core/TimeSource.h"

namespace spdlog {
class logger;
}

namespace vo::core::dispatch {

// What the dispatcher's parts share: its settings and dependencies, the calls in flight, the
// batched release of pacing slots, and the way to wake the claimer.
struct DispatchContext {
  DispatchContext(const DispatcherConfig& config, const PacingConfig& pacing, api::CallStore& store,
                  api::CallQueue& queue, api::VoiceProvider& provider,
                  const std::string& providerName, Metrics& metrics, spdlog::logger& logger,
                  TimeSource& clock);

  // Registers the calls' pacing limits and puts them in line; how many were new to the queue.
  // `wake`: wake the claimer for them.
  api::Result<int64_t> enqueueCalls(std::span<const api::Call> calls, int64_t now,
                                    bool wake = true);
  // Calls reached their final status: their pacing slots go (in a batch with other callers'),
  // and a waiting job may fit now.
  void releaseAfterFinal(std::span<const std::string> callIds);
  // The same on the caller's thread, for a caller that already batches (logs a failure).
  void releaseNow(std::span<const std::string> callIds);

  const DispatcherConfig config;
  api::CallStore& store;
  api::CallQueue& queue;
  api::VoiceProvider& provider;
  spdlog::logger& logger;
  TimeSource& clock;
  DispatchMetrics metrics;
  RegistryCache registry;
  InFlightCalls inFlight;
  RingingCalls ringing;           // accepted dials' counters, for the outcome that ends them
  UnrecordedOutcomes unrecorded;  // accepted dials the store could not record yet
  std::function<void()> wakeWorkers = [] {};  // set by the dispatcher to wake its claimer
  // Releases ended calls' pacing slots, many concurrent callers' in one queue round trip.
  GroupCommit<std::string, bool> slotRelease;
};

}  // namespace vo::core::dispatch
