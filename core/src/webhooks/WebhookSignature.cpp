#include "webhooks/WebhookSignature.h"

#include <Poco/RandomStream.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace vo::core::webhooks {

namespace {

std::string hexOf(const unsigned char* bytes, std::size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  text.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    text += kHex[bytes[i] >> 4];
    text += kHex[bytes[i] & 0xF];
  }
  return text;
}

}  // namespace

std::string webhookSignature(std::string_view secret, int64_t unixSeconds, std::string_view body) {
  const std::string timestamp = std::to_string(unixSeconds);
  std::string signedText;
  signedText.reserve(timestamp.size() + 1 + body.size());
  signedText.append(timestamp).append(".").append(body);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digestSize = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(signedText.data()), signedText.size(), digest,
       &digestSize);
  return "t=" + timestamp + ",v1=" + hexOf(digest, digestSize);
}

std::string newWebhookSecret() {
  unsigned char random[32];
  Poco::RandomInputStream().read(reinterpret_cast<char*>(random), sizeof random);
  return "whsec_" + hexOf(random, sizeof random);
}

}  // namespace vo::core::webhooks
