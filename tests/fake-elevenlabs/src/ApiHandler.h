#pragma once

#include "ConversationClock.h"
#include "EventLoopServer.h"
#include "FakeRegistry.h"

namespace vo::fake_elevenlabs {

// Answers every request: POST outbound-call (twilio, sip-trunk), GET conversation and the
// conversation list, with the faults the test injected, after the configured latency; and the
// fake's own stats routes at once. Runs on the server's one thread: it never blocks, a delay is a
// Reply::later.
class ApiHandler {
 public:
  ApiHandler(FakeRegistry& registry, ConversationClock& clock);

  Reply handle(Request&& request);

 private:
  Reply route(const Request& request, const std::string& path, const FakeOptions& options);
  Reply outboundCall(const Request& request, const std::string& path, const FakeOptions& options);
  Reply conversation(const Request& request, const std::string& conversationId,
                     const FakeOptions& options);
  // GET /v1/convai/conversations: a page of the list (lookup faults apply to it too).
  Reply conversationList(const Request& request, const FakeOptions& options);

  FakeRegistry& registry_;
  ConversationClock& clock_;
};

}  // namespace vo::fake_elevenlabs
