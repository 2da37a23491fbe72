// The VoiceProvider contract for ElevenLabs, against the project's fake ElevenLabs: injected
// answers (429, 422, 500) make it refuse as asked, and an accepted call's end comes as the
// fake's signed post-call webhook, passed through handleWebhook.
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/SharedPtr.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include "ProviderContract.h"
#include "WebhookBridge.h"
#include "vo/elevenlabs/ElevenLabsProvider.h"
#include "vo/fake_elevenlabs/FakeElevenLabs.h"
#include "vo/testing/Wait.h"

namespace vo::contract {
namespace {

using fake_elevenlabs::CallOutcome;
using fake_elevenlabs::Fault;

constexpr const char* kKey = "xi-contract-key";
constexpr const char* kSecret = "wsec_contract_secret";
// Enough injected refusals for every dial a contract test makes.
constexpr int kInjectedAnswers = 200;

CallOutcome fakeOutcomeFor(api::CallStatus endStatus) {
  switch (endStatus) {
    case api::CallStatus::kBusy:
      return CallOutcome::kBusy;
    case api::CallStatus::kNoAnswer:
      return CallOutcome::kNoAnswer;
    case api::CallStatus::kFailed:
      return CallOutcome::kConversationFailed;
    default:
      return CallOutcome::kCompleted;
  }
}

class ElevenLabsScenario : public ProviderScenario {
 public:
  ~ElevenLabsScenario() override {
    fake_.reset();  // no more webhooks to the bridge
    if (server_) server_->stopAll(true);
    if (bridge_) bridge_->close();  // a late webhook's handler would still use the provider
    provider_.reset();
  }

  api::VoiceProvider& provider(ProviderBehaviour behaviour, api::CallStatus endStatus) override {
    fake_elevenlabs::FakeOptions options;
    options.apiKeys = {kKey};
    options.webhookSecret = kSecret;
    options.callDurationMs = 20;
    fake_ = std::make_unique<fake_elevenlabs::FakeElevenLabs>(options);
    fake_->setDefaultOutcome(fakeOutcomeFor(endStatus));
    if (behaviour != ProviderBehaviour::kAccept) {
      Fault fault;
      fault.status = behaviour == ProviderBehaviour::kNotPlaced ? 429
                     : behaviour == ProviderBehaviour::kReject  ? 422
                                                                : 500;
      fake_->injectFaults(std::vector<Fault>(kInjectedAnswers, fault));
    }
    elevenlabs::ElevenLabsSettings settings;
    settings.baseUrl = fake_->baseUrl();
    settings.apiKey = kKey;
    settings.webhookSecret = kSecret;
    settings.connectTimeoutMs = 2000;
    settings.readTimeoutMs = 5000;
    settings.maxConnections = 16;
    provider_ = elevenlabs::makeElevenLabsProvider(settings, *logger_);
    bridge_ = new elevenlabs::testing::WebhookBridge(*provider_);  // shared with the server
    server_ =
        std::make_unique<Poco::Net::HTTPServer>(Poco::Net::HTTPRequestHandlerFactory::Ptr(bridge_),
                                                socket_, new Poco::Net::HTTPServerParams);
    server_->start();
    fake_->setWebhookUrl("http://127.0.0.1:" + std::to_string(socket_.address().port()) +
                         "/webhooks/elevenlabs");
    return *provider_;
  }

  std::vector<api::CallEvent> finishCall(const api::Call&, const api::DialResult& dial,
                                         api::CallStatus) override {
    std::vector<api::CallEvent> events;
    const bool arrived = vo::testing::waitUntil([&] {
      events.clear();
      bool found = false;
      for (const auto& response : bridge_->responses()) {
        for (const auto& event : response.events) {
          events.push_back(event);
          found = found || event.providerCallId == dial.providerCallId;
        }
      }
      return found;
    });
    EXPECT_TRUE(arrived) << "no webhook for " << dial.providerCallId;
    return events;
  }

 private:
  std::shared_ptr<spdlog::logger> logger_ = std::make_shared<spdlog::logger>(
      "elevenlabs-contract", std::make_shared<spdlog::sinks::null_sink_mt>());
  std::unique_ptr<fake_elevenlabs::FakeElevenLabs> fake_;
  std::unique_ptr<api::VoiceProvider> provider_;
  Poco::Net::ServerSocket socket_{Poco::Net::SocketAddress("127.0.0.1", 0)};
  Poco::SharedPtr<elevenlabs::testing::WebhookBridge> bridge_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

INSTANTIATE_TEST_SUITE_P(ElevenLabs, VoiceProviderContract,
                         ::testing::Values(ProviderScenarioFactory{
                             "elevenlabs", [] { return std::make_unique<ElevenLabsScenario>(); }}),
                         scenarioName);

}  // namespace
}  // namespace vo::contract
