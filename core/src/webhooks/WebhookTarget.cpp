#include "webhooks/WebhookTarget.h"

#include <Poco/Exception.h>
#include <Poco/String.h>
#include <Poco/URI.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

namespace vo::core::webhooks {

namespace {

constexpr std::size_t kMaxUrlLength = 2048;

bool isPrivateIPv4(const unsigned char* b) {
  return b[0] == 0 || b[0] == 10 || b[0] == 127 || (b[0] == 169 && b[1] == 254) ||
         (b[0] == 172 && (b[1] & 0xF0) == 16) || (b[0] == 192 && b[1] == 168) ||
         (b[0] == 100 && (b[1] & 0xC0) == 64) || b[0] >= 224;
}

}  // namespace

std::optional<Poco::Net::IPAddress> addressLiteral(const std::string& host) {
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return Poco::Net::IPAddress(&v4, sizeof v4);
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) return Poco::Net::IPAddress(&v6, sizeof v6);
  return std::nullopt;
}

bool isPrivateAddress(const Poco::Net::IPAddress& address) {
  if (address.family() == Poco::Net::AddressFamily::IPv4) {
    in_addr v4{};
    std::memcpy(&v4, address.addr(), sizeof v4);
    return isPrivateIPv4(reinterpret_cast<const unsigned char*>(&v4.s_addr));
  }
  in6_addr v6{};
  std::memcpy(&v6, address.addr(), sizeof v6);
  const unsigned char* b = v6.s6_addr;
  static const unsigned char kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  if (std::memcmp(b, kMappedPrefix, sizeof kMappedPrefix) == 0) return isPrivateIPv4(b + 12);
  static const unsigned char kZero[15] = {};
  const bool unspecifiedOrLoopback = std::memcmp(b, kZero, sizeof kZero) == 0 && b[15] <= 1;
  return unspecifiedOrLoopback || (b[0] & 0xFE) == 0xFC ||  // fc00::/7 unique local
         (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) ||         // fe80::/10 link local
         b[0] == 0xFF;                                      // multicast
}

std::optional<std::string> checkWebhookUrl(const std::string& url, bool allowPrivate) {
  if (url.empty()) return "must not be empty";
  if (url.size() > kMaxUrlLength) return "must be at most 2048 characters";
  Poco::URI uri;
  try {
    uri = Poco::URI(url);
  } catch (const Poco::Exception&) {
    return "must be an absolute http or https URL";
  }
  const std::string scheme = Poco::toLower(uri.getScheme());
  if ((scheme != "http" && scheme != "https") || uri.getHost().empty()) {
    return "must be an absolute http or https URL";
  }
  if (!uri.getUserInfo().empty()) return "must not carry a user name or password";
  if (allowPrivate) return std::nullopt;
  const std::string host = Poco::toLower(uri.getHost());
  const bool isLoopbackName = host == "localhost" || host.ends_with(".localhost");
  const std::optional<Poco::Net::IPAddress> literal = addressLiteral(host);
  if (isLoopbackName || (literal && isPrivateAddress(*literal))) {
    return "targets a loopback or private network address, refused unless "
           "webhooks.allowPrivateTargets is set";
  }
  return std::nullopt;
}

}  // namespace vo::core::webhooks
