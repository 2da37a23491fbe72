#include "WebhookSignature.h"

#include <Poco/DigestEngine.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <array>
#include <charconv>
#include <memory>
#include <string_view>
#include <vector>

namespace vo::elevenlabs {
namespace {

bool constantTimeEquals(std::string_view left, std::string_view right) {
  return left.size() == right.size() && CRYPTO_memcmp(left.data(), right.data(), left.size()) == 0;
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

struct MacFree {
  void operator()(EVP_MAC* mac) const { EVP_MAC_free(mac); }
  void operator()(EVP_MAC_CTX* context) const { EVP_MAC_CTX_free(context); }
};

// An HMAC-SHA256 keyed with one secret, kept by its thread: OpenSSL 3 looks the algorithms up
// by name (a global lock and a few allocations) on every one-shot HMAC() and rehashes the key,
// for every webhook. Re-initialised without a key, a keyed context starts a new message at once.
class KeyedMac {
 public:
  // Null when OpenSSL cannot set it up: no signature matches then.
  EVP_MAC_CTX* forSecret(const std::string& secret) {
    if (context_ && secret == secret_) {
      return EVP_MAC_init(context_.get(), nullptr, 0, nullptr) == 1 ? context_.get() : nullptr;
    }
    context_.reset();
    static const std::unique_ptr<EVP_MAC, MacFree> hmac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
    if (!hmac) return nullptr;
    std::unique_ptr<EVP_MAC_CTX, MacFree> context(EVP_MAC_CTX_new(hmac.get()));
    char digestName[] = "SHA256";
    const std::array<OSSL_PARAM, 2> params = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digestName, 0),
        OSSL_PARAM_construct_end()};
    if (!context ||
        EVP_MAC_init(context.get(), reinterpret_cast<const unsigned char*>(secret.data()),
                     secret.size(), params.data()) != 1) {
      return nullptr;
    }
    context_ = std::move(context);
    secret_ = secret;
    return context_.get();
  }

 private:
  std::unique_ptr<EVP_MAC_CTX, MacFree> context_;
  std::string secret_;
};

bool update(EVP_MAC_CTX* context, std::string_view part) {
  return EVP_MAC_update(context, reinterpret_cast<const unsigned char*>(part.data()),
                        part.size()) == 1;
}

}  // namespace

std::string signatureDigest(const std::string& secret, int64_t timestampSecs,
                            const std::string& rawBody) {
  // OpenSSL's HMAC (the same library as the fake's and the TLS client's): it uses the CPU's SHA
  // instructions, where Poco's portable SHA-256 took 13 % of the HTTP loop during a drain. The
  // message is fed in parts: no copy of the body.
  thread_local KeyedMac keyed;
  EVP_MAC_CTX* context = keyed.forSecret(secret);
  const std::string timestamp = std::to_string(timestampSecs);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  std::size_t length = 0;
  if (context == nullptr || !update(context, timestamp) || !update(context, ".") ||
      !update(context, rawBody) ||
      EVP_MAC_final(context, digest.data(), &length, digest.size()) != 1) {
    return {};  // matches no signature: the webhook is refused, never accepted unchecked
  }
  return Poco::DigestEngine::digestToHex(
      Poco::DigestEngine::Digest(digest.begin(), digest.begin() + static_cast<long>(length)));
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
  if (expected.empty()) return {false, "signature could not be computed"};
  bool matched = false;
  for (const std::string& digest : parsed.digests) matched |= constantTimeEquals(digest, expected);
  if (!matched) return {false, "signature does not match"};
  return {true, ""};
}

}  // namespace vo::elevenlabs
