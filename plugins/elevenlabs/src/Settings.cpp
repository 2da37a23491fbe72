#include <yaml-cpp/yaml.h>

#include "vo/api/ConfigReader.h"
#include "vo/elevenlabs/ElevenLabsProvider.h"

namespace vo::elevenlabs {
namespace {

std::string readPath(vo::api::ConfigReader& reader, const std::string& key,
                     const std::string& fallback) {
  std::string path = reader.getString(key, fallback);
  if (path.empty() || path.front() != '/') reader.fail(key, "expected a path starting with '/'");
  return path;
}

}  // namespace

ElevenLabsSettings parseElevenLabsSettings(const YAML::Node& node, const std::string& path) {
  vo::api::ConfigReader reader(node, path);
  ElevenLabsSettings settings;
  settings.apiKey = reader.getString("apiKey", settings.apiKey);
  settings.baseUrl = reader.getString("baseUrl", settings.baseUrl);
  if (settings.baseUrl.rfind("https://", 0) != 0 && settings.baseUrl.rfind("http://", 0) != 0) {
    reader.fail("baseUrl", "expected an http:// or https:// URL");
  }
  while (!settings.baseUrl.empty() && settings.baseUrl.back() == '/') settings.baseUrl.pop_back();
  settings.outboundCallsPath = readPath(reader, "outboundCallsPath", settings.outboundCallsPath);
  settings.sipTrunkOutboundCallsPath =
      readPath(reader, "sipTrunkOutboundCallsPath", settings.sipTrunkOutboundCallsPath);
  settings.conversationPath = readPath(reader, "conversationPath", settings.conversationPath);
  settings.webhookSecret = reader.getString("webhookSecret", settings.webhookSecret);
  settings.webhookToleranceSecs =
      reader.getInt("webhookToleranceSecs", settings.webhookToleranceSecs, 1, 7 * 24 * 3600);
  settings.connectTimeoutMs =
      reader.getInt("connectTimeoutMs", settings.connectTimeoutMs, 1, 10 * 60 * 1000);
  settings.readTimeoutMs =
      reader.getInt("readTimeoutMs", settings.readTimeoutMs, 1, 10 * 60 * 1000);
  settings.maxConnections =
      static_cast<int>(reader.getInt("maxConnections", settings.maxConnections, 1, 4096));
  settings.verifyCertificates = reader.getBool("verifyCertificates", settings.verifyCertificates);
  settings.caFile = reader.getString("caFile", settings.caFile);
  reader.rejectUnknownKeys();
  return settings;
}

}  // namespace vo::elevenlabs
