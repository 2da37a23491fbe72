#pragma once

#include <memory>
#include <string>

#include "vo/elevenlabs/ElevenLabsProvider.h"

namespace vo::elevenlabs {

// How far one HTTP exchange got. It decides whether a call may have been placed.
enum class ExchangeStage {
  kNotSent,   // failed before the request was fully written: the API never acted on it
  kNoAnswer,  // written, then a timeout or a dropped connection: the API may have acted on it
  kAnswered,  // a status line came back
};

struct Exchange {
  ExchangeStage stage = ExchangeStage::kNotSent;
  int status = 0;
  std::string body;
  std::string retryAfter;  // the Retry-After header, "" when absent
  std::string error;       // the network error when no answer came
};

// Pooled, kept-alive HTTP(S) connections to the API host, shared by every thread: at most
// maxConnections at once, callers beyond that wait for one to come back. Never retries: a
// repeated POST could ring someone twice.
class ApiClient {
 public:
  // Throws vo::api::ConfigError when baseUrl or caFile cannot be used.
  explicit ApiClient(const ElevenLabsSettings& settings);
  ~ApiClient();
  ApiClient(const ApiClient&) = delete;
  ApiClient& operator=(const ApiClient&) = delete;

  // `jsonBody` empty: no body. The key goes only into the xi-api-key header.
  Exchange send(const std::string& method, const std::string& path, const std::string& apiKey,
                const std::string& jsonBody);
  // "api.elevenlabs.io:443", for health and log lines.
  const std::string& hostLabel() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace vo::elevenlabs
