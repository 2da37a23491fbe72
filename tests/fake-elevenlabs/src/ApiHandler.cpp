#include "ApiHandler.h"

#include <memory>

#include "ConversationListQuery.h"
#include "ConversationShapes.h"
#include "SocketIo.h"
#include "StatsRoutes.h"
#include "WireShapes.h"

namespace vo::fake_elevenlabs {
namespace {

std::string pathOf(const std::string& target) {
  return target.substr(0, target.find('?'));
}

Reply inflict(const Fault& fault) {
  switch (fault.kind) {
    case FaultKind::kStatus:
      return Reply::answer(fault.status,
                           fault.body.empty() ? defaultBodyFor(fault.status) : fault.body,
                           "application/json", fault.headers);
    case FaultKind::kHang:
      return Reply::hang();
    case FaultKind::kDrop:
      break;
  }
  return Reply::drop();  // the connection closes without a byte of answer
}

// 401 in the real shapes; nullopt when the key is known.
std::optional<Reply> unauthorized(const Request& request, const FakeOptions& options) {
  const std::string key = request.header("xi-api-key");
  if (key.empty()) {
    return Reply::answer(401,
                         statusDetail("needs_authorization",
                                      "Neither authorization header nor xi-api-key received."));
  }
  if (options.apiKeys.count(key) == 0) {
    return Reply::answer(401, statusDetail("invalid_api_key", "Invalid API key"));
  }
  return std::nullopt;
}

}  // namespace

ApiHandler::ApiHandler(FakeRegistry& registry, ConversationClock& clock)
    : registry_(registry), clock_(clock) {}

Reply ApiHandler::handle(Request&& request) {
  const std::string path = pathOf(request.target);
  if (auto stats = answerStatsRoute(request, path, registry_, clock_)) return std::move(*stats);
  RecordedRequest recorded;
  recorded.receivedAtUs = request.receivedAtUs;
  recorded.method = request.method;
  recorded.path = path;
  recorded.headers = request.headers;
  recorded.body = request.body;
  registry_.record(std::move(recorded));

  const FakeOptions options = registry_.options();
  if (options.latencyMs <= 0) return route(request, path, options);
  auto held = std::make_shared<Request>(std::move(request));
  return Reply::later(options.latencyMs,
                      [this, held, path, options] { return route(*held, path, options); });
}

Reply ApiHandler::route(const Request& request, const std::string& path,
                        const FakeOptions& options) {
  const bool outbound =
      path == options.outboundCallsPath || path == options.sipTrunkOutboundCallsPath;
  const std::string conversationPrefix = options.conversationPath + "/";
  if (outbound && request.method == "POST") return outboundCall(request, path, options);
  if (request.method == "GET" && path.rfind(conversationPrefix, 0) == 0) {
    return conversation(request, path.substr(conversationPrefix.size()), options);
  }
  if (request.method == "GET" && path == options.conversationPath) {
    return conversationList(request, options);
  }
  if (outbound) return Reply::answer(405, R"({"detail":"Method Not Allowed"})");
  return Reply::answer(404, R"({"detail":"Not Found"})");
}

Reply ApiHandler::outboundCall(const Request& request, const std::string& path,
                               const FakeOptions& options) {
  const std::optional<Fault> fault = registry_.takeFault(false);
  if (fault && !fault->acceptFirst) return inflict(*fault);
  if (auto refusal = unauthorized(request, options)) return std::move(*refusal);
  const OutboundCallInput input =
      validateOutboundCall(request.header("content-type"), request.body);
  if (!input.valid) return Reply::answer(422, input.errorBody);

  AcceptedCall call;
  call.path = path;
  call.apiKey = request.header("xi-api-key");
  call.agentId = input.agentId;
  call.agentPhoneNumberId = input.agentPhoneNumberId;
  call.toNumber = input.toNumber;
  call.dynamicVariablesJson = input.dynamicVariablesJson;
  call.receivedAtUs = request.receivedAtUs;
  const std::string telephony = path == options.sipTrunkOutboundCallsPath ? "sip_trunk" : "twilio";
  const auto admitted = registry_.admit(call, telephony, unixSeconds(), steadyMillis());
  if (!admitted) {
    std::map<std::string, std::string> headers;
    if (options.retryAfterSecsOnLimit >= 0) {
      headers["Retry-After"] = std::to_string(options.retryAfterSecsOnLimit);
    }
    return Reply::answer(429,
                         statusDetail("too_many_concurrent_requests",
                                      "Too many concurrent calls for this workspace."),
                         "application/json", headers);
  }
  clock_.schedule(admitted->call.conversationId, admitted->endsAtMs);
  Reply reply = fault ? inflict(*fault) : Reply::answer(200, outboundCallAnswer(*admitted));
  if (options.answerDelayMs <= 0) return reply;
  return Reply::later(options.answerDelayMs, [reply] { return reply; });
}

Reply ApiHandler::conversation(const Request& request, const std::string& conversationId,
                               const FakeOptions& options) {
  if (const std::optional<Fault> fault = registry_.takeFault(true)) return inflict(*fault);
  if (auto refusal = unauthorized(request, options)) return std::move(*refusal);
  const auto found = registry_.find(conversationId);
  if (!found) {
    return Reply::answer(404, statusDetail("conversation_not_found", "Conversation not found."));
  }
  return Reply::answer(200, conversationJson(*found, options.reportedDurationSecs, steadyMillis()));
}

Reply ApiHandler::conversationList(const Request& request, const FakeOptions& options) {
  if (const std::optional<Fault> fault = registry_.takeFault(true)) return inflict(*fault);
  if (auto refusal = unauthorized(request, options)) return std::move(*refusal);
  const ConversationListQuery query = parseConversationListQuery(request.target);
  if (!query.valid) return Reply::answer(422, query.errorBody);
  const ConversationListPage page = registry_.list(query.filter);
  std::optional<std::string> nextCursor;
  if (page.hasMore) nextCursor = cursorAfter(page.conversations.back().sequence);
  return Reply::answer(
      200, conversationListJson(page, nextCursor, options.reportedDurationSecs, steadyMillis()));
}

}  // namespace vo::fake_elevenlabs
