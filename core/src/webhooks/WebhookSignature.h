#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vo::core::webhooks {

// The VO-Signature header of a delivery: "t=<unixSeconds>,v1=<hex HMAC-SHA256(secret,
// "<unixSeconds>.<body>")>" (docs/webhooks.md shows how a receiver checks it).
std::string webhookSignature(std::string_view secret, int64_t unixSeconds, std::string_view body);

// A new endpoint's secret: "whsec_" and 64 hex digits of randomness.
std::string newWebhookSecret();

}  // namespace vo::core::webhooks
