#pragma once

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <string>

#include "ConversationClock.h"
#include "FakeRegistry.h"

namespace vo::fake_elevenlabs {

// The fake's own read-only routes for benchmarks in another process (never recorded as
// requests, never delayed by latencyMs):
//   GET /fake/stats            {"acceptedCalls","activeCalls","peakActiveCalls","webhooks":{..}}
//   GET /fake/accepted?from=N  "<to_number> <received_at_us>\n" per accepted call from the N-th
// Returns false when `path` is not one of them.
bool answerStatsRoute(const std::string& path, Poco::Net::HTTPServerRequest& request,
                      Poco::Net::HTTPServerResponse& response, const FakeRegistry& registry,
                      const ConversationClock& clock);

}  // namespace vo::fake_elevenlabs
