#include "WebhookSignature.h"

#include <Poco/DigestEngine.h>
#include <Poco/HMACEngine.h>
#include <Poco/SHA2Engine.h>

#include <charconv>
#include <string_view>
#include <vector>

namespace vo::elevenlabs {
namespace {

// Poco's HMACEngine wants a hash with BLOCK_SIZE/DIGEST_SIZE constants.
class Sha256 : public Poco::SHA2Engine {
 public:
  enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
  Sha256() : Poco::SHA2Engine(Poco::SHA2Engine::SHA_256) {}
};

bool constantTimeEquals(std::string_view left, std::string_view right) {
  if (left.size() != right.size()) return false;
  unsigned char difference = 0;
  for (size_t i = 0; i < left.size(); ++i) {
    difference |= static_cast<unsigned char>(left[i] ^ right[i]);
  }
  return difference == 0;
}

struct ParsedHeader {
  bool wellFormed = false;
  int64_t timestamp = 0;
  std::vector<std::string> digests;
};

ParsedHeader parseHeader(std::string_view header) {
  ParsedHeader parsed;
  bool sawTimestamp = false;
  while (!header.empty()) {
    const size_t comma = header.find(',');
    std::string_view part = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    const size_t equals = part.find('=');
    if (equals == std::string_view::npos) return parsed;
    const std::string_view name = part.substr(0, equals);
    const std::string_view value = part.substr(equals + 1);
    if (name == "t") {
      const auto [end, error] =
          std::from_chars(value.data(), value.data() + value.size(), parsed.timestamp);
      if (error != std::errc() || end != value.data() + value.size() || value.empty()) {
        return parsed;
      }
      sawTimestamp = true;
    } else if (name == "v0") {
      parsed.digests.emplace_back(value);
    }
  }
  parsed.wellFormed = sawTimestamp && !parsed.digests.empty();
  return parsed;
}

}  // namespace

std::string signatureDigest(const std::string& secret, int64_t timestampSecs,
                            const std::string& rawBody) {
  Poco::HMACEngine<Sha256> hmac(secret);
  const std::string prefix = std::to_string(timestampSecs) + ".";
  hmac.update(prefix.data(), static_cast<unsigned>(prefix.size()));
  hmac.update(rawBody.data(), static_cast<unsigned>(rawBody.size()));
  return Poco::DigestEngine::digestToHex(hmac.digest());
}

SignatureCheck checkSignature(const std::string& header, const std::string& rawBody,
                              const std::string& secret, int64_t nowSecs, int64_t toleranceSecs) {
  if (secret.empty()) return {false, "no webhook secret is configured (webhookSecret)"};
  if (header.empty()) return {false, "missing ElevenLabs-Signature header"};
  const ParsedHeader parsed = parseHeader(header);
  if (!parsed.wellFormed) {
    return {false, "malformed ElevenLabs-Signature header: expected t=<unix>,v0=<hex>"};
  }
  if (parsed.timestamp < nowSecs - toleranceSecs) return {false, "signature timestamp too old"};
  if (parsed.timestamp > nowSecs + toleranceSecs) {
    return {false, "signature timestamp in the future"};
  }
  const std::string expected = signatureDigest(secret, parsed.timestamp, rawBody);
  bool matched = false;
  for (const std::string& digest : parsed.digests) matched |= constantTimeEquals(digest, expected);
  if (!matched) return {false, "signature does not match"};
  return {true, ""};
}

}  // namespace vo::elevenlabs
