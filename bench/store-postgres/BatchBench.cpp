#include "BatchBench.h"

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "BenchCalls.h"
#include "BenchStats.h"

namespace vo::bench {

namespace {

using Clock = std::chrono::steady_clock;
using vo::api::CallStatus;

std::vector<std::string> idsOf(int day, int first, int count) {
  std::vector<std::string> ids;
  for (int i = first; i < first + count; ++i) {
    char id[64];
    std::snprintf(id, sizeof id, "q%03d%07d", day, i);
    ids.emplace_back(id);
  }
  return ids;
}

// The dial's result for a claimed call: initiated, with its provider id and attempt row.
vo::api::CallTransition acceptedOf(const vo::api::Call& call, int64_t atMs) {
  vo::api::CallTransition accepted;
  accepted.callId = call.id;
  accepted.from = {CallStatus::kDispatching};
  accepted.to = CallStatus::kInitiated;
  accepted.atMs = atMs;
  accepted.whileAttempts = call.attempts;
  accepted.providerCallId = "conv_" + call.id;
  accepted.attempt = vo::api::CallAttempt{call.attempts, atMs, "accepted", "conv_" + call.id, ""};
  return accepted;
}

}  // namespace

void measureBatches(vo::api::CallStore& store, int day, int first, int count, int batch) {
  const int64_t atMs = dayStartMs(day);
  LatencySample claims;
  LatencySample results;
  LatencySample lookups;
  for (int start = first; start + batch <= first + count; start += batch) {
    const std::vector<std::string> ids = idsOf(day, start, batch);
    auto began = Clock::now();
    const auto claimed = orExit(store.beginDispatch(ids, atMs), "beginDispatch");
    claims.add(Clock::now() - began);
    std::vector<vo::api::CallTransition> accepted;
    std::vector<std::string> providerIds;
    for (const vo::api::Call& call : claimed) {
      accepted.push_back(acceptedOf(call, atMs));
      providerIds.push_back(*accepted.back().providerCallId);
    }
    began = Clock::now();
    orExit(store.transitionMany(accepted), "transitionMany");
    results.add(Clock::now() - began);
    began = Clock::now();
    orExit(store.findByProviderCallIds(providerIds), "findByProviderCallIds");
    lookups.add(Clock::now() - began);
  }
  std::cout << "beginDispatch " << batch << " calls: " << claims.summary() << "\n";
  std::cout << "transitionMany " << batch
            << " (-> initiated + attempt row, fenced): " << results.summary() << "\n";
  std::cout << "findByProviderCallIds " << batch << ": " << lookups.summary() << "\n";

  // The same work one call at a time, as before the batch API, for comparison.
  LatencySample single;
  for (const std::string& id : idsOf(day, first + count, count)) {
    const auto began = Clock::now();
    const auto claimed =
        orExit(store.beginDispatch(std::vector<std::string>{id}, atMs), "beginDispatch one");
    for (const vo::api::Call& call : claimed) {
      orExit(store.transition(acceptedOf(call, atMs)), "transition");
    }
    single.add(Clock::now() - began);
  }
  std::cout << "one call at a time (beginDispatch of 1 + transition): " << single.summary() << "\n";
}

}  // namespace vo::bench
