#pragma once

#include <functional>
#include <memory>
#include <string>

#include "vo/elevenlabs/ElevenLabsProvider.h"

struct ssl_ctx_st;  // OpenSSL's SSL_CTX

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

namespace http {
class ClientLoop;
}

// Pooled, kept-alive HTTP(S)/1.1 connections to the API host, driven by one event-loop thread
// (vo-el-http) for every caller: at most maxConnections open at once, requests beyond that wait
// in FIFO order for one to come free. Never retries: a repeated POST could ring someone twice.
class ApiClient {
 public:
  using Done = std::function<void(Exchange)>;

  // Throws vo::api::ConfigError when baseUrl or caFile cannot be used.
  explicit ApiClient(const ElevenLabsSettings& settings);
  // Stops the loop; every exchange still pending gets its Done (kNotSent if nothing of it was
  // written, else kNoAnswer; error "client stopped").
  ~ApiClient();
  ApiClient(const ApiClient&) = delete;
  ApiClient& operator=(const ApiClient&) = delete;

  // Starts one exchange and returns at once. `done` is called exactly once, on the client's
  // loop thread: it must not block, and may call sendAsync again. `jsonBody` empty: no body.
  // The key goes only into the xi-api-key header.
  void sendAsync(const std::string& method, const std::string& path, const std::string& apiKey,
                 const std::string& jsonBody, Done done);
  // The same, waiting for the answer (not to be called from inside a Done).
  Exchange send(const std::string& method, const std::string& path, const std::string& apiKey,
                const std::string& jsonBody);
  // "api.elevenlabs.io:443", for health and log lines.
  const std::string& hostLabel() const;

 private:
  struct TlsContextFree {
    void operator()(ssl_ctx_st* context) const;
  };

  std::string hostHeader_;
  std::string label_;
  std::unique_ptr<ssl_ctx_st, TlsContextFree> tls_;
  std::unique_ptr<http::ClientLoop> loop_;  // after tls_: stopped before the context goes
};

}  // namespace vo::elevenlabs
