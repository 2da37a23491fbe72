#pragma once

#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <string>

#include "vo/elevenlabs/ElevenLabsProvider.h"
#include "vo/fake_elevenlabs/FakeElevenLabs.h"

namespace vo::elevenlabs::testing {

inline constexpr const char* kGlobalKey = "xi-global-key";
inline constexpr const char* kWorkspaceKey = "xi-workspace-key";
inline constexpr const char* kWebhookSecret = "wsec_fixture_secret";

// A fake ElevenLabs and the provider pointed at it, both built on first use so a test can set
// options first.
class ProviderFixture : public ::testing::Test {
 protected:
  ProviderFixture() {
    fakeOptions.apiKeys = {kGlobalKey, kWorkspaceKey};
    fakeOptions.webhookSecret = kWebhookSecret;
    fakeOptions.callDurationMs = 60000;
    settings.apiKey = kGlobalKey;
    settings.webhookSecret = kWebhookSecret;
    settings.connectTimeoutMs = 2000;
    settings.readTimeoutMs = 5000;
    settings.maxConnections = 16;
  }

  fake_elevenlabs::FakeElevenLabs& fake() {
    if (!fake_) fake_ = std::make_unique<fake_elevenlabs::FakeElevenLabs>(fakeOptions);
    return *fake_;
  }

  vo::api::VoiceProvider& provider() {
    if (!provider_) provider_ = makeProvider();
    return *provider_;
  }

  // Another provider on the same settings: another instance of the service.
  std::unique_ptr<vo::api::VoiceProvider> makeProvider() {
    if (settings.baseUrl == ElevenLabsSettings().baseUrl) settings.baseUrl = fake().baseUrl();
    return makeElevenLabsProvider(settings, *logger_);
  }

  static vo::api::DialRequest request(const std::string& to = "+34600000001") {
    vo::api::DialRequest request;
    request.call.id = "call_" + to;
    request.call.workspaceId = "acme";
    request.call.agentId = "agent_abc";
    request.call.agentPhoneNumberId = "phnum_123";
    request.call.to = to;
    request.phoneNumberProvider = "twilio";
    return request;
  }

  vo::api::DialResult dial(const vo::api::DialRequest& dialRequest = request()) {
    return provider().dial(dialRequest);
  }

  fake_elevenlabs::FakeOptions fakeOptions;
  ElevenLabsSettings settings;

 private:
  std::shared_ptr<spdlog::logger> logger_ = std::make_shared<spdlog::logger>(
      "elevenlabs-test", std::make_shared<spdlog::sinks::null_sink_mt>());
  std::unique_ptr<fake_elevenlabs::FakeElevenLabs> fake_;
  std::unique_ptr<vo::api::VoiceProvider> provider_;
};

}  // namespace vo::elevenlabs::testing
