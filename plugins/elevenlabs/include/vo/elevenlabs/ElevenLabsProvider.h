#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "vo/api/VoiceProvider.h"

namespace YAML {
class Node;
}
namespace spdlog {
class logger;
}

namespace vo::elevenlabs {

// The plugin's configuration (plugins.provider.config). The platform maps ELEVENLABS_API_KEY,
// ELEVENLABS_BASE_URL, ELEVENLABS_OUTBOUND_CALLS_PATH and ELEVENLABS_WEBHOOK_SECRET onto
// apiKey, baseUrl, outboundCallsPath and webhookSecret.
struct ElevenLabsSettings {
  std::string apiKey;  // used when the workspace has no key of its own
  std::string baseUrl = "https://api.elevenlabs.io";
  std::string outboundCallsPath = "/v1/convai/twilio/outbound-call";
  std::string sipTrunkOutboundCallsPath = "/v1/convai/sip-trunk/outbound-call";
  std::string conversationPath = "/v1/convai/conversations";
  std::string webhookSecret;  // empty: every webhook is refused with 401
  int64_t webhookToleranceSecs = 1800;
  int64_t connectTimeoutMs = 5000;
  int64_t readTimeoutMs = 15000;
  // Pooled kept-alive connections to the API host, opened on demand. A dial waits for one when
  // all are in use, so this caps the dials in flight: 128 held concurrency 1,000 to ~2,400
  // dials/s at 50 ms (bench/RESULTS.md). At least the dispatcher's concurrency plus the
  // priority lane's requests.
  int maxConnections = 1024;
  bool verifyCertificates = true;
  std::string caFile;  // extra CA bundle; empty: the system's
};

// Reads and validates the plugin's section; throws vo::api::ConfigError naming the bad key.
ElevenLabsSettings parseElevenLabsSettings(const YAML::Node& node, const std::string& path);

// The provider. Throws vo::api::ConfigError when the settings cannot be used (bad URL, CA file).
std::unique_ptr<vo::api::VoiceProvider> makeElevenLabsProvider(const ElevenLabsSettings& settings,
                                                               spdlog::logger& logger);

}  // namespace vo::elevenlabs
