#pragma once

#include <optional>
#include <string>

#include "ConversationClock.h"
#include "EventLoopServer.h"
#include "FakeRegistry.h"

namespace vo::fake_elevenlabs {

// The fake's own read-only routes for benchmarks in another process (never recorded as
// requests, never delayed by latencyMs):
//   GET /fake/stats            {"acceptedCalls","activeCalls","peakActiveCalls","webhooks":{..}}
//   GET /fake/accepted?from=N  "<to_number> <received_at_us>\n" per accepted call from the N-th
// nullopt when `path` is not one of them.
std::optional<Reply> answerStatsRoute(const Request& request, const std::string& path,
                                      const FakeRegistry& registry, const ConversationClock& clock);

}  // namespace vo::fake_elevenlabs
