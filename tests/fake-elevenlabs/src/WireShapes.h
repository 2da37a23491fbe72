#pragma once

#include <cstdint>
#include <string>

#include "FakeRegistry.h"

namespace vo::fake_elevenlabs {

// An outbound-call body as the real API's validation sees it.
struct OutboundCallInput {
  bool valid = false;
  std::string errorBody;  // 422 {"detail":[{"type","loc","msg","input"}]} when not valid
  std::string agentId;
  std::string agentPhoneNumberId;
  std::string toNumber;
  std::string dynamicVariablesJson = "{}";
};

OutboundCallInput validateOutboundCall(const std::string& contentType, const std::string& body);

// {"detail":{"status":..,"message":..}}: 401, 404 and 429 answers.
std::string statusDetail(const std::string& status, const std::string& message);
// The body a fault sends when the test gave none, in the shape the real API uses for `status`.
std::string defaultBodyFor(int status);

// The success answer of an outbound call (callSid for twilio, sip_call_id for SIP trunk).
std::string outboundCallAnswer(const Conversation& conversation);
}  // namespace vo::fake_elevenlabs
