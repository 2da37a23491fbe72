#pragma once

#include <cstdint>
#include <string>

namespace vo::elevenlabs {

struct SignatureCheck {
  bool valid = false;
  std::string problem;  // why not, for the 401 body and the log; never contains the secret
};

// Checks an ElevenLabs-Signature header, "t=<unix secs>,v0=<hex HMAC-SHA256(secret,
// "<t>.<body>")>", against the raw body: timestamp within `toleranceSecs` of nowSecs, digest
// compared in constant time.
SignatureCheck checkSignature(const std::string& header, const std::string& rawBody,
                              const std::string& secret, int64_t nowSecs, int64_t toleranceSecs);

// Lowercase hex HMAC-SHA256(secret, "<timestampSecs>.<body>").
std::string signatureDigest(const std::string& secret, int64_t timestampSecs,
                            const std::string& rawBody);

}  // namespace vo::elevenlabs
