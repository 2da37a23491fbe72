#include "ApiHandler.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <chrono>
#include <thread>

#include "StatsRoutes.h"
#include "WireShapes.h"

namespace vo::fake_elevenlabs {
namespace {

using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

constexpr auto kLongestHang = std::chrono::seconds(120);

int64_t unixMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void answer(HTTPServerResponse& response, int status, const std::string& body,
            const std::map<std::string, std::string>& headers = {}) {
  response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
  for (const auto& [name, value] : headers) response.set(name, value);
  response.setContentType("application/json");
  response.setContentLength64(static_cast<Poco::Int64>(body.size()));
  response.send() << body;
}

class ApiHandler : public Poco::Net::HTTPRequestHandler {
 public:
  ApiHandler(FakeRegistry& registry, ConversationClock& clock, const std::atomic<bool>& stopping)
      : registry_(registry), clock_(clock), stopping_(stopping) {}

  void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
    const int64_t receivedAtUs = unixMicros();
    const std::string path = Poco::URI(request.getURI()).getPath();
    if (answerStatsRoute(path, request, response, registry_, clock_)) return;
    RecordedRequest recorded;
    recorded.receivedAtUs = receivedAtUs;
    recorded.method = request.getMethod();
    recorded.path = path;
    for (const auto& [name, value] : request) recorded.headers[Poco::toLower(name)] = value;
    Poco::StreamCopier::copyToString(request.stream(), recorded.body);
    registry_.record(recorded);

    const FakeOptions options = registry_.options();
    if (options.latencyMs > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(options.latencyMs));
    }
    const bool outbound = recorded.path == options.outboundCallsPath ||
                          recorded.path == options.sipTrunkOutboundCallsPath;
    const std::string conversationPrefix = options.conversationPath + "/";
    if (outbound && recorded.method == "POST") {
      outboundCall(request, response, recorded, options);
    } else if (recorded.method == "GET" && recorded.path.rfind(conversationPrefix, 0) == 0) {
      conversation(request, response, recorded.path.substr(conversationPrefix.size()), options);
    } else if (outbound) {
      answer(response, 405, R"({"detail":"Method Not Allowed"})");
    } else {
      answer(response, 404, R"({"detail":"Not Found"})");
    }
  }

 private:
  // 401 in the real shapes; false when the key is missing or wrong.
  static bool authorized(HTTPServerRequest& request, HTTPServerResponse& response,
                         const FakeOptions& options) {
    const std::string key = request.get("xi-api-key", "");
    if (key.empty()) {
      answer(response, 401,
             statusDetail("needs_authorization",
                          "Neither authorization header nor xi-api-key received."));
      return false;
    }
    if (options.apiKeys.count(key) == 0) {
      answer(response, 401, statusDetail("invalid_api_key", "Invalid API key"));
      return false;
    }
    return true;
  }

  void outboundCall(HTTPServerRequest& request, HTTPServerResponse& response,
                    const RecordedRequest& recorded, const FakeOptions& options) {
    const std::optional<Fault> fault = registry_.takeFault(false);
    if (fault && !fault->acceptFirst) return inflict(*fault, request, response);
    if (!authorized(request, response, options)) return;
    const OutboundCallInput input = validateOutboundCall(request.getContentType(), recorded.body);
    if (!input.valid) return answer(response, 422, input.errorBody);

    AcceptedCall call;
    call.path = recorded.path;
    call.apiKey = request.get("xi-api-key");
    call.agentId = input.agentId;
    call.agentPhoneNumberId = input.agentPhoneNumberId;
    call.toNumber = input.toNumber;
    call.dynamicVariablesJson = input.dynamicVariablesJson;
    call.receivedAtUs = recorded.receivedAtUs;
    const std::string telephony =
        recorded.path == options.sipTrunkOutboundCallsPath ? "sip_trunk" : "twilio";
    const auto admitted = registry_.admit(call, telephony, unixSeconds());
    if (!admitted) {
      std::map<std::string, std::string> headers;
      if (options.retryAfterSecsOnLimit >= 0) {
        headers["Retry-After"] = std::to_string(options.retryAfterSecsOnLimit);
      }
      return answer(response, 429,
                    statusDetail("too_many_concurrent_requests",
                                 "Too many concurrent calls for this workspace."),
                    headers);
    }
    clock_.schedule(admitted->call.conversationId, steadyMillis() + options.callDurationMs);
    if (options.answerDelayMs > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(options.answerDelayMs));
    }
    if (fault) return inflict(*fault, request, response);
    answer(response, 200, outboundCallAnswer(*admitted));
  }

  void conversation(HTTPServerRequest& request, HTTPServerResponse& response,
                    const std::string& conversationId, const FakeOptions& options) {
    if (const std::optional<Fault> fault = registry_.takeFault(true)) {
      return inflict(*fault, request, response);
    }
    if (!authorized(request, response, options)) return;
    const auto found = registry_.find(conversationId);
    if (!found) {
      return answer(response, 404,
                    statusDetail("conversation_not_found", "Conversation not found."));
    }
    answer(response, 200, conversationJson(*found, options.reportedDurationSecs));
  }

  void inflict(const Fault& fault, HTTPServerRequest& request, HTTPServerResponse& response) {
    if (fault.kind == FaultKind::kStatus) {
      return answer(response, fault.status,
                    fault.body.empty() ? defaultBodyFor(fault.status) : fault.body, fault.headers);
    }
    auto& impl = static_cast<Poco::Net::HTTPServerRequestImpl&>(request);
    if (fault.kind == FaultKind::kHang) waitForClientToLeave(impl.socket());
    // Detached, the connection closes here without a byte of answer.
    Poco::Net::StreamSocket socket = impl.detachSocket();
    socket.close();
  }

  void waitForClientToLeave(Poco::Net::StreamSocket& socket) {
    const auto giveUpAt = std::chrono::steady_clock::now() + kLongestHang;
    while (!stopping_.load() && std::chrono::steady_clock::now() < giveUpAt) {
      try {
        if (!socket.poll(Poco::Timespan(0, 50000), Poco::Net::Socket::SELECT_READ)) continue;
        return;  // the client closed the connection (or, oddly, sent more): stop hanging
      } catch (const Poco::Exception&) {
        return;
      }
    }
  }

  FakeRegistry& registry_;
  ConversationClock& clock_;
  const std::atomic<bool>& stopping_;
};

}  // namespace

ApiHandlerFactory::ApiHandlerFactory(FakeRegistry& registry, ConversationClock& clock,
                                     const std::atomic<bool>& stopping)
    : registry_(registry), clock_(clock), stopping_(stopping) {}

Poco::Net::HTTPRequestHandler* ApiHandlerFactory::createRequestHandler(
    const Poco::Net::HTTPServerRequest&) {
  return new ApiHandler(registry_, clock_, stopping_);
}

}  // namespace vo::fake_elevenlabs
