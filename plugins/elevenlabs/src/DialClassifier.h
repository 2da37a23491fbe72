#pragma once

#include <cstdint>
#include <string>

#include "ApiClient.h"
#include "vo/api/VoiceProvider.h"

namespace vo::elevenlabs {

// Decides what one outbound-call exchange means for the call. The rule that matters most: only
// an answer that proves the API did not act (a refused connection, 429, a 4xx) may lead to
// another dial; everything that leaves doubt is ambiguous.
vo::api::DialResult classifyDial(const Exchange& exchange, int64_t nowMs);

// The API's own words from an error body: 422 {"detail":[{"loc","msg"}]}, 401/429
// {"detail":{"status","message"}}, {"detail":"..."}, or the raw text, shortened.
std::string providerMessage(const std::string& body);

// Retry-After as delay-seconds or an HTTP date; -1 when absent or unreadable.
int64_t parseRetryAfterMs(const std::string& value, int64_t nowMs);

}  // namespace vo::elevenlabs
