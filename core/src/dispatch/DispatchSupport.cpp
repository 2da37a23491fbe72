#include "dispatch/DispatchSupport.h"

namespace vo::core::dispatch {

namespace {

constexpr const char* kEvents = "vo_call_events_total";
constexpr const char* kEventsHelp = "Provider outcomes received, by what they changed";

}  // namespace

DispatchMetrics::DispatchMetrics(Metrics& metrics)
    : perAgent(metrics.perAgent()),
      latency(metrics.histogram(
          "vo_dispatch_latency_seconds", "From a call becoming due to its dial starting",
          {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60})),
      retried(metrics.counter("vo_dispatch_retries_total",
                              "Calls put back in line after the provider did not place them")),
      dropped(metrics.counter("vo_dispatch_dropped_jobs_total",
                              "Claimed jobs whose call was no longer queued")),
      markedUnknown(metrics.counter("vo_calls_unknown_total",
                                    "Calls marked unknown: maybe placed, never redialed blindly")),
      eventsApplied(metrics.counter(kEvents, kEventsHelp, "result=\"applied\"")),
      eventsIgnored(metrics.counter(kEvents, kEventsHelp, "result=\"ignored\"")),
      eventsForUnknownCalls(metrics.counter(kEvents, kEventsHelp, "result=\"unknown_call\"")),
      swept(metrics.counter("vo_sweeper_enqueued_total",
                            "Queued calls put back in the queue by the sweeper")),
      leasesRecovered(metrics.counter("vo_leases_recovered_total",
                                      "Expired leases of dead or stalled workers taken back")),
      reconciled(metrics.counter("vo_reconciled_calls_total",
                                 "Calls whose state was corrected by asking the provider")) {}

void InFlightCalls::begin(const std::string& callId) {
  std::lock_guard lock(mutex_);
  running_.insert(callId);
}

bool InFlightCalls::end(const std::string& callId) {
  bool finishedEarly = false;
  {
    std::lock_guard lock(mutex_);
    running_.erase(callId);
    finishedEarly = finishedEarly_.erase(callId) > 0;
    if (auto provider = providerIdOf_.find(callId); provider != providerIdOf_.end()) {
      byProviderId_.erase(provider->second);
      providerIdOf_.erase(provider);
    }
  }
  ended_.notify_all();
  return finishedEarly;
}

void InFlightCalls::waitUntilDone(const std::string& callId, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  ended_.wait_for(lock, timeout, [&] { return !running_.contains(callId); });
}

bool InFlightCalls::contains(const std::string& callId) {
  std::lock_guard lock(mutex_);
  return running_.contains(callId);
}

bool InFlightCalls::noteFinal(const std::string& callId) {
  std::lock_guard lock(mutex_);
  if (!running_.contains(callId)) return false;
  finishedEarly_.insert(callId);
  return true;
}

void InFlightCalls::noteAccepted(const std::string& callId, const std::string& providerCallId) {
  if (providerCallId.empty()) return;
  std::lock_guard lock(mutex_);
  if (!running_.contains(callId)) return;
  byProviderId_[providerCallId] = callId;
  providerIdOf_[callId] = providerCallId;
}

std::optional<std::string> InFlightCalls::callOfProviderId(const std::string& providerCallId) {
  std::lock_guard lock(mutex_);
  auto found = byProviderId_.find(providerCallId);
  if (found == byProviderId_.end()) return std::nullopt;
  return found->second;
}

int64_t InFlightCalls::size() {
  std::lock_guard lock(mutex_);
  return static_cast<int64_t>(running_.size());
}

}  // namespace vo::core::dispatch
