#include "vo/fake_elevenlabs/FakeElevenLabs.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "ApiHandler.h"
#include "ConversationClock.h"
#include "EventLoopServer.h"
#include "FakeRegistry.h"

namespace vo::fake_elevenlabs {

struct FakeElevenLabs::State {
  explicit State(FakeOptions options)
      : registry(std::move(options)),
        clock(registry, registry.options().webhookSenders),
        handler(registry, clock),
        server([this](Request&& request) { return handler.handle(std::move(request)); }) {}

  FakeRegistry registry;
  ConversationClock clock;
  ApiHandler handler;
  EventLoopServer server;
};

FakeElevenLabs::FakeElevenLabs(FakeOptions options)
    : state_(std::make_unique<State>(std::move(options))) {}

FakeElevenLabs::~FakeElevenLabs() {
  state_->server.stop();
  state_->clock.stop();
}

int FakeElevenLabs::port() const {
  return state_->server.port();
}

std::string FakeElevenLabs::baseUrl() const {
  return "http://127.0.0.1:" + std::to_string(state_->server.port());
}

void FakeElevenLabs::setWebhookUrl(const std::string& url) {
  state_->registry.update([&](FakeOptions& options) { options.webhookUrl = url; });
}

void FakeElevenLabs::setLatencyMs(int64_t latencyMs) {
  state_->registry.update([&](FakeOptions& options) { options.latencyMs = latencyMs; });
}

void FakeElevenLabs::setCallDurationMs(int64_t callDurationMs) {
  state_->registry.update([&](FakeOptions& options) { options.callDurationMs = callDurationMs; });
}

void FakeElevenLabs::setAnswerDelayMs(int64_t answerDelayMs) {
  state_->registry.update([&](FakeOptions& options) { options.answerDelayMs = answerDelayMs; });
}

void FakeElevenLabs::setMaxConcurrentCalls(int maxConcurrentCalls) {
  state_->registry.update(
      [&](FakeOptions& options) { options.maxConcurrentCalls = maxConcurrentCalls; });
}

void FakeElevenLabs::setDefaultOutcome(CallOutcome outcome) {
  state_->registry.setOutcome(std::nullopt, outcome);
}

void FakeElevenLabs::setOutcomeFor(const std::string& toNumber, CallOutcome outcome) {
  state_->registry.setOutcome(toNumber, outcome);
}

void FakeElevenLabs::injectFaults(const std::vector<Fault>& faults) {
  state_->registry.addFaults(faults, false);
}

void FakeElevenLabs::injectLookupFaults(const std::vector<Fault>& faults) {
  state_->registry.addFaults(faults, true);
}

std::vector<AcceptedCall> FakeElevenLabs::acceptedCalls() const {
  return state_->registry.accepted();
}

std::vector<RecordedRequest> FakeElevenLabs::requests() const {
  return state_->registry.requests();
}

std::vector<WebhookDelivery> FakeElevenLabs::webhookDeliveries() const {
  return state_->registry.deliveries();
}

WebhookAnswerCounts FakeElevenLabs::webhookAnswerCounts() const {
  return state_->registry.webhookAnswerCounts();
}

int FakeElevenLabs::activeCalls() const {
  return state_->registry.active();
}
int FakeElevenLabs::peakActiveCalls() const {
  return state_->registry.peak();
}
int64_t FakeElevenLabs::concurrencyRejections() const {
  return state_->registry.rejections();
}

WebhookStats FakeElevenLabs::webhookStats() const {
  return state_->clock.webhookStats();
}

std::string FakeElevenLabs::signatureHeader(const std::string& secret, const std::string& body,
                                            int64_t timestampSecs) {
  const std::string signedText = std::to_string(timestampSecs) + "." + body;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(signedText.data()), signedText.size(), digest,
       &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xf];
  }
  return "t=" + std::to_string(timestampSecs) + ",v0=" + hex;
}

}  // namespace vo::fake_elevenlabs
