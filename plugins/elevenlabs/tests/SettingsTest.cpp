#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "vo/api/ConfigReader.h"
#include "vo/elevenlabs/ElevenLabsProvider.h"

namespace vo::elevenlabs {
namespace {

ElevenLabsSettings parse(const std::string& yaml) {
  return parseElevenLabsSettings(YAML::Load(yaml), "plugins.provider.config");
}

TEST(SettingsTest, DefaultsMatchTheRealApi) {
  const ElevenLabsSettings settings = parse("{}");
  EXPECT_EQ(settings.baseUrl, "https://api.elevenlabs.io");
  EXPECT_EQ(settings.outboundCallsPath, "/v1/convai/twilio/outbound-call");
  EXPECT_EQ(settings.sipTrunkOutboundCallsPath, "/v1/convai/sip-trunk/outbound-call");
  EXPECT_EQ(settings.conversationPath, "/v1/convai/conversations");
  EXPECT_EQ(settings.webhookToleranceSecs, 1800);
  EXPECT_TRUE(settings.verifyCertificates);
}

TEST(SettingsTest, ReadsEveryKeyIncludingNumbersGivenAsStrings) {
  const ElevenLabsSettings settings = parse(R"(
apiKey: k
baseUrl: http://127.0.0.1:9000/
outboundCallsPath: /x
webhookSecret: s
webhookToleranceSecs: "60"
connectTimeoutMs: "250"
readTimeoutMs: 900
maxConnections: 7
verifyCertificates: false
)");
  EXPECT_EQ(settings.apiKey, "k");
  EXPECT_EQ(settings.baseUrl, "http://127.0.0.1:9000");
  EXPECT_EQ(settings.outboundCallsPath, "/x");
  EXPECT_EQ(settings.webhookToleranceSecs, 60);
  EXPECT_EQ(settings.connectTimeoutMs, 250);
  EXPECT_EQ(settings.readTimeoutMs, 900);
  EXPECT_EQ(settings.maxConnections, 7);
  EXPECT_FALSE(settings.verifyCertificates);
}

void expectConfigError(const std::string& yaml, const std::string& key) {
  try {
    parse(yaml);
    ADD_FAILURE() << "accepted: " << yaml;
  } catch (const vo::api::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
  }
}

TEST(SettingsTest, BadValuesNameTheirKey) {
  expectConfigError("apiKeyy: x", "plugins.provider.config.apiKeyy");
  expectConfigError("baseUrl: ftp://x", "plugins.provider.config.baseUrl");
  expectConfigError("outboundCallsPath: nope", "plugins.provider.config.outboundCallsPath");
  expectConfigError("maxConnections: 0", "plugins.provider.config.maxConnections");
  expectConfigError("readTimeoutMs: soon", "plugins.provider.config.readTimeoutMs");
}

}  // namespace
}  // namespace vo::elevenlabs
