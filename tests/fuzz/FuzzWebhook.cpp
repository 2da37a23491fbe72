// A provider's webhook: the ElevenLabs signature header check and the body's mapping to call
// events (post_call_transcription, call_initiation_failure, anything else).
#include <cstddef>
#include <cstdint>
#include <string>

#include "WebhookEvents.h"
#include "WebhookSignature.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  // The first line is the ElevenLabs-Signature header, the rest the body.
  const std::size_t newline = input.find('\n');
  const std::string header = input.substr(0, newline);
  const std::string body = newline == std::string::npos ? "" : input.substr(newline + 1);
  // Refusals are answers: the results are dropped, a crash or a sanitizer report is the finding.
  (void)vo::elevenlabs::checkSignature(header, body, "wsec_fuzz", 1764547200, 1800);
  (void)vo::elevenlabs::webhookEvents(body, 1764547200000);
  return 0;
}
