#include "vo/elevenlabs/ElevenLabsProvider.h"

#include <Poco/URI.h>
#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>

#include "ApiClient.h"
#include "ConversationSearch.h"
#include "DialClassifier.h"
#include "JsonFields.h"
#include "JsonParse.h"
#include "OutboundCallBody.h"
#include "WebhookEvents.h"
#include "WebhookSignature.h"

namespace vo::elevenlabs {
namespace {

using vo::api::CallEvent;
using vo::api::DialOutcome;
using vo::api::DialResult;
using vo::api::LookupOutcome;
using vo::api::LookupResult;
using vo::api::WebhookResponse;

// Health turns down only after this many requests in a row got no HTTP answer at all: one
// refused connection is a blip, a run of them means the API cannot be reached.
constexpr int kFailuresBeforeDown = 5;

int64_t nowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string errorBody(const std::string& message) {
  return stringFieldsJson({{"error", message}});
}

class ElevenLabsProvider final : public vo::api::VoiceProvider {
 public:
  ElevenLabsProvider(const ElevenLabsSettings& settings, spdlog::logger& logger)
      : settings_(settings),
        logger_(logger),
        client_(settings),
        search_(client_, settings.conversationPath) {
    if (settings_.webhookSecret.empty()) {
      logger_.warn("webhookSecret is empty: every POST /webhooks/elevenlabs will get 401");
    }
    if (settings_.apiKey.empty()) {
      logger_.warn("apiKey is empty: only workspaces with their own key can place calls");
    }
  }

  DialResult dial(const vo::api::DialRequest& request) override {
    auto outbound = outboundCall(request);
    if (!outbound.ok()) return rejectedLocally(outbound.error().message);
    const OutboundCall& call = outbound.value();
    return answerOf(call, client_.send("POST", call.path, call.key, call.body));
  }

  void dialAsync(const vo::api::DialRequest& request, vo::api::DialDone done) override {
    auto outbound = outboundCall(request);
    if (!outbound.ok()) {
      done(rejectedLocally(outbound.error().message));
      return;
    }
    // Shared with the answer: the request goes out from it, the answer is classified with it.
    auto call = std::make_shared<const OutboundCall>(std::move(outbound).value());
    client_.sendAsync("POST", call->path, call->key, call->body,
                      [this, call, done = std::move(done)](Exchange exchange) {
                        done(answerOf(*call, exchange));
                      });
  }

  WebhookResponse handleWebhook(const vo::api::WebhookRequest& request) override {
    const int64_t nowMs = request.nowMs > 0 ? request.nowMs : nowMillis();
    const auto header = request.headers.find("elevenlabs-signature");
    const std::string signature = header == request.headers.end() ? "" : header->second;
    const auto checkWith = [&](const std::string& secret) {
      return checkSignature(signature, request.body, secret, nowMs / 1000,
                            settings_.webhookToleranceSecs);
    };
    SignatureCheck check = checkWith(settings_.webhookSecret);
    // A workspace with its own ElevenLabs account: its account signs with its own secret.
    for (std::size_t i = 0; !check.valid && i < request.workspaceSecrets.size(); ++i) {
      if (checkWith(request.workspaceSecrets[i]).valid) check = SignatureCheck{true, ""};
    }
    WebhookResponse response;
    if (!check.valid) {
      logger_.warn("webhook refused: {}", check.problem);
      response.httpStatus = 401;
      response.body = errorBody(check.problem);
      return response;
    }
    auto events = webhookEvents(request.body, nowMs);
    if (!events.ok()) {
      logger_.warn("webhook with a valid signature but unusable body: {}", events.error().message);
      response.httpStatus = 400;
      response.body = errorBody(events.error().message);
      return response;
    }
    response.events = std::move(events).value();
    response.body = R"({"received":true})";
    return response;
  }

  LookupResult lookup(const vo::api::LookupRequest& request) override {
    const vo::api::Call& call = request.call;
    // The workspace's own key when it has one: its conversations live in its account.
    const std::string& key = request.apiKey.empty() ? settings_.apiKey : request.apiKey;
    if (call.providerCallId.empty()) return lookupLostDial(request, key);
    LookupResult result;
    const std::string path =
        settings_.conversationPath + "/" + encodePathSegment(call.providerCallId);
    const Exchange exchange = client_.send("GET", path, key, "");
    noteReachability(exchange);
    if (exchange.stage != ExchangeStage::kAnswered || exchange.status != 200) {
      result.outcome = LookupOutcome::kUnavailable;
      result.message =
          exchange.stage == ExchangeStage::kAnswered
              ? "HTTP " + std::to_string(exchange.status) + ": " + providerMessage(exchange.body)
              : exchange.error;
      return result;
    }
    return lookupFromBody(exchange.body);
  }

  int64_t longestDialMs() override { return settings_.connectTimeoutMs + settings_.readTimeoutMs; }

  vo::api::ComponentHealth health() override {
    const int failures = consecutiveFailures_.load();
    if (failures < kFailuresBeforeDown) return {true, "ElevenLabs API at " + client_.hostLabel()};
    std::lock_guard lock(mutex_);
    return {false, "the last " + std::to_string(failures) + " requests to " + client_.hostLabel() +
                       " got no answer: " + lastNetworkError_};
  }

 private:
  // A dial's request as it goes to the API.
  struct OutboundCall {
    std::string callId;
    std::string key;
    bool sipTrunk = false;
    std::string path;
    std::string body;
  };

  vo::api::Result<OutboundCall> outboundCall(const vo::api::DialRequest& request) const {
    auto body = outboundCallBody(request.call);
    if (!body.ok()) return body.error();
    OutboundCall call;
    call.callId = request.call.id;
    call.key = request.apiKey.empty() ? settings_.apiKey : request.apiKey;
    if (call.key.empty()) {
      return vo::api::makeError(vo::api::ErrorCode::kInvalid,
                                "no ElevenLabs API key (apiKey) is configured");
    }
    call.sipTrunk = request.phoneNumberProvider == "sip_trunk";
    call.path = call.sipTrunk ? settings_.sipTrunkOutboundCallsPath : settings_.outboundCallsPath;
    call.body = std::move(body).value();
    return call;
  }

  DialResult answerOf(const OutboundCall& call, const Exchange& exchange) {
    noteReachability(exchange);
    DialResult result = classifyDial(exchange, nowMillis());
    logDial(call.callId, result, call.sipTrunk);
    return result;
  }

  static DialResult rejectedLocally(const std::string& message) {
    DialResult result;
    result.outcome = DialOutcome::kRejected;
    result.message = message;
    return result;
  }

  static std::string encodePathSegment(const std::string& segment) {
    std::string encoded;
    Poco::URI::encode(segment, "/?#%", encoded);
    return encoded;
  }

  LookupResult lookupFromBody(const std::string& body) {
    LookupResult result;
    ScratchDocument conversation;
    if (!parseJson(body, conversation) || !conversation.IsObject()) {
      result.outcome = LookupOutcome::kUnavailable;
      result.message = "the conversation answer is not a JSON object";
      return result;
    }
    auto state = conversationState(conversation, "", "", nowMillis());
    if (!state.ok()) {
      result.outcome = LookupOutcome::kUnavailable;
      result.message = state.error().message;
      return result;
    }
    result.outcome = state->final ? LookupOutcome::kFinal : LookupOutcome::kInProgress;
    result.event = std::move(state).value().event;
    return result;
  }

  // A dial whose answer was lost: its conversation, if the agent's list has one carrying the
  // call's id in the dial's window; certainly not placed when the whole window has none.
  LookupResult lookupLostDial(const vo::api::LookupRequest& request, const std::string& key) {
    LookupResult result;
    const int64_t before = request.dialedBeforeMs > 0 ? request.dialedBeforeMs : nowMillis();
    SearchResult found =
        search_.find(key, request.call.agentId, request.call.id, request.dialedAfterMs, before);
    switch (found.kind) {
      case SearchResult::Kind::kFound:
        return lookupFromBody(found.conversationBody);
      case SearchResult::Kind::kAbsent:
        result.outcome = LookupOutcome::kNotPlaced;
        result.message = "no conversation of this call in the agent's list";
        return result;
      case SearchResult::Kind::kUnavailable:
        break;
    }
    result.outcome = LookupOutcome::kUnavailable;
    result.message = found.message;
    return result;
  }

  void noteReachability(const Exchange& exchange) {
    if (exchange.stage == ExchangeStage::kAnswered) {
      consecutiveFailures_.store(0);
      return;
    }
    consecutiveFailures_.fetch_add(1);
    std::lock_guard lock(mutex_);
    lastNetworkError_ = exchange.error;
  }

  void logDial(const std::string& callId, const DialResult& result, bool sipTrunk) {
    const auto level =
        result.outcome == DialOutcome::kAccepted ? spdlog::level::debug : spdlog::level::warn;
    logger_.log(level, "dial call={} via={} outcome={} http={} conversation={} {}", callId,
                sipTrunk ? "sip_trunk" : "twilio", vo::api::toString(result.outcome),
                result.httpStatus, result.providerCallId, result.message);
  }

  const ElevenLabsSettings settings_;
  spdlog::logger& logger_;
  std::atomic<int> consecutiveFailures_{0};
  std::mutex mutex_;
  std::string lastNetworkError_;
  // Last, so they go first: the answers of exchanges still pending use the members above.
  ApiClient client_;
  ConversationSearch search_;
};

}  // namespace

std::unique_ptr<vo::api::VoiceProvider> makeElevenLabsProvider(const ElevenLabsSettings& settings,
                                                               spdlog::logger& logger) {
  return std::make_unique<ElevenLabsProvider>(settings, logger);
}

}  // namespace vo::elevenlabs
