#include "dispatch/DispatchContext.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace vo::core::dispatch {

namespace {

// Calls per queue round trip. A Redis script holds the whole server while it runs: 250 keep each
// short enough that a priority call's lease does not wait long behind a bulk being put in line.
constexpr int kEnqueueChunk = 250;
constexpr int64_t kRegistryRefreshMs = 60000;
// Calls whose pacing slots are released in one queue round trip.
constexpr std::size_t kReleaseBatch = 1000;

}  // namespace

DispatchContext::DispatchContext(const DispatcherConfig& dispatcherConfig,
                                 const PacingConfig& pacing, api::CallStore& callStore,
                                 api::CallQueue& callQueue, api::VoiceProvider& voiceProvider,
                                 const std::string& providerName, Metrics& allMetrics,
                                 spdlog::logger& dispatchLogger, TimeSource& timeSource)
    : config(dispatcherConfig),
      store(callStore),
      queue(callQueue),
      provider(voiceProvider),
      logger(dispatchLogger),
      clock(timeSource),
      metrics(allMetrics),
      registry(pacing, providerName, callStore, callQueue, kRegistryRefreshMs),
      slotRelease(
          [this](std::span<const std::string> ids) -> api::Result<std::vector<bool>> {
            releaseNow(ids);
            return std::vector<bool>(ids.size(), true);
          },
          kReleaseBatch, 1, "vo-slots") {}

api::Result<int64_t> DispatchContext::enqueueCalls(std::span<const api::Call> calls, int64_t now,
                                                   bool wake) {
  int64_t added = 0;
  std::vector<api::QueueJob> jobs;
  jobs.reserve(std::min<std::size_t>(calls.size(), kEnqueueChunk));
  for (std::size_t i = 0; i < calls.size(); ++i) {
    auto job = registry.jobFor(calls[i], now);
    if (job) {
      jobs.push_back(std::move(job.value()));
    } else if (job.error().code == api::ErrorCode::kNotFound) {
      // Its workspace or number is gone: dispatching fails it with the registry's message.
      api::QueueJob orphan;
      orphan.callId = calls[i].id;
      orphan.workspaceId = calls[i].workspaceId;
      orphan.campaignId = calls[i].campaignId;
      orphan.lane = calls[i].lane;
      orphan.dueAtMs = dueAtMs(calls[i]);
      jobs.push_back(std::move(orphan));
    } else {
      return job.error();
    }
    if (jobs.size() == kEnqueueChunk || i + 1 == calls.size()) {
      auto outcome = queue.enqueue(jobs);
      if (!outcome) return outcome.error();
      added += outcome->added;
      if (wake) wakeWorkers();
      jobs.clear();
    }
  }
  return added;
}

void DispatchContext::releaseAfterFinal(std::span<const std::string> callIds) {
  if (callIds.empty()) return;
  if (auto released = slotRelease.submit({callIds.begin(), callIds.end()}); !released) {
    logger.warn("{} calls: pacing slots not released: {}", callIds.size(),
                released.error().message);
  }
}

void DispatchContext::releaseNow(std::span<const std::string> callIds) {
  if (callIds.empty()) return;
  if (auto released = queue.releaseSlotsMany(callIds); !released) {
    logger.warn("{} calls: pacing slots not released: {}", callIds.size(),
                released.error().message);
    return;
  }
  wakeWorkers();
}

}  // namespace vo::core::dispatch
