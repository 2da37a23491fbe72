#pragma once

#include <Poco/Net/IPAddress.h>

#include <optional>
#include <string>

namespace vo::core::webhooks {

// Loopback, private, link-local, unique-local, carrier-grade NAT, unspecified and multicast
// addresses (IPv4-mapped IPv6 judged as its IPv4): where a webhook must not go by default.
bool isPrivateAddress(const Poco::Net::IPAddress& address);

// The address a host names literally ("10.0.0.1", "::"), if it is one. Poco's own parser
// refuses "::".
std::optional<Poco::Net::IPAddress> addressLiteral(const std::string& host);

// Why `url` cannot be a webhook target, or nothing: an absolute http or https URL with a host,
// no user info, at most 2,048 characters; unless `allowPrivate`, a host that is a private
// address literal or "localhost" is refused too (names are checked when resolved, at delivery).
std::optional<std::string> checkWebhookUrl(const std::string& url, bool allowPrivate);

}  // namespace vo::core::webhooks
