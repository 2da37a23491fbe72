#include "ApiClient.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <future>

#include "http/ClientLoop.h"
#include "vo/api/ConfigReader.h"

namespace vo::elevenlabs {
namespace {

std::string lastTlsError() {
  const unsigned long code = ERR_get_error();
  if (code == 0) return "unknown error";
  char text[256];
  ERR_error_string_n(code, text, sizeof(text));
  return text;
}

SSL_CTX* makeTlsContext(const ElevenLabsSettings& settings) {
  SSL_CTX* context = SSL_CTX_new(TLS_client_method());
  if (context == nullptr)
    throw vo::api::ConfigError("baseUrl: cannot set up TLS: " + lastTlsError());
  SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
  // Partial writes of a buffer that stays put: the loop resumes a request where it stopped.
  SSL_CTX_set_mode(context, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  // Many servers close without close_notify; a body delimited by the close must still end.
  SSL_CTX_set_options(context, SSL_OP_IGNORE_UNEXPECTED_EOF);
  SSL_CTX_set_default_verify_paths(context);
  if (!settings.caFile.empty() &&
      SSL_CTX_load_verify_locations(context, settings.caFile.c_str(), nullptr) != 1) {
    const std::string reason = lastTlsError();
    SSL_CTX_free(context);
    throw vo::api::ConfigError("caFile: cannot load " + settings.caFile + ": " + reason);
  }
  SSL_CTX_set_verify(context, settings.verifyCertificates ? SSL_VERIFY_PEER : SSL_VERIFY_NONE,
                     nullptr);
  return context;
}

// A header value must not end the header early: a line break would let it add headers.
bool fitsOnOneLine(const std::string& text) {
  return text.find_first_of(std::string("\r\n\0", 3)) == std::string::npos;
}

}  // namespace

void ApiClient::TlsContextFree::operator()(ssl_ctx_st* context) const {
  SSL_CTX_free(context);
}

ApiClient::ApiClient(const ElevenLabsSettings& settings) {
  Poco::URI uri;
  try {
    uri = Poco::URI(settings.baseUrl);
  } catch (const Poco::Exception& e) {
    throw vo::api::ConfigError("baseUrl: " + e.displayText());
  }
  if (uri.getHost().empty()) throw vo::api::ConfigError("baseUrl: no host in " + settings.baseUrl);
  const bool https = uri.getScheme() == "https";
  const std::string& host = uri.getHost();
  const uint16_t port = uri.getPort();
  label_ = host + ":" + std::to_string(port);
  const std::string hostPart = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  // The port is left out of Host when it is the scheme's own, as browsers and Poco do.
  hostHeader_ = port == (https ? 443 : 80) ? hostPart : hostPart + ":" + std::to_string(port);
  if (https) tls_.reset(makeTlsContext(settings));

  http::ClientLoop::Options options;
  options.host = host;
  options.port = port;
  options.tls = tls_.get();
  options.verifyHost = settings.verifyCertificates;
  options.connectTimeout = std::chrono::milliseconds(settings.connectTimeoutMs);
  options.readTimeout = std::chrono::milliseconds(settings.readTimeoutMs);
  options.maxConnections =
      settings.maxConnections > 0 ? static_cast<std::size_t>(settings.maxConnections) : 1;
  loop_ = std::make_unique<http::ClientLoop>(std::move(options));
}

ApiClient::~ApiClient() {
  loop_.reset();
}

const std::string& ApiClient::hostLabel() const {
  return label_;
}

void ApiClient::sendAsync(const std::string& method, const std::string& path,
                          const std::string& apiKey, const std::string& jsonBody, Done done) {
  if (!fitsOnOneLine(method) || !fitsOnOneLine(path) || !fitsOnOneLine(apiKey)) {
    loop_->submit({}, false, std::move(done), "the method, path or API key holds a line break");
    return;
  }
  // The whole request is built here, on the caller's thread, in one allocation: the loop only
  // writes it.
  std::string wire;
  wire.reserve(method.size() + path.size() + hostHeader_.size() + apiKey.size() + jsonBody.size() +
               200);
  wire.append(method).append(" ").append(path).append(" HTTP/1.1\r\n");
  wire.append("Host: ").append(hostHeader_).append("\r\n");
  wire.append("xi-api-key: ").append(apiKey).append("\r\n");
  wire.append("Accept: application/json\r\n");
  wire.append("User-Agent: voice-orchestrator\r\n");
  wire.append("Connection: keep-alive\r\n");
  if (!jsonBody.empty()) {
    wire.append("Content-Type: application/json\r\n");
    wire.append("Content-Length: ").append(std::to_string(jsonBody.size())).append("\r\n");
  }
  wire.append("\r\n").append(jsonBody);
  loop_->submit(std::move(wire), method == "HEAD", std::move(done));
}

Exchange ApiClient::send(const std::string& method, const std::string& path,
                         const std::string& apiKey, const std::string& jsonBody) {
  if (loop_->onLoopThread()) {
    Exchange refused;
    refused.error = "ApiClient::send called from a Done: it would wait for itself";
    return refused;
  }
  std::promise<Exchange> answered;
  std::future<Exchange> answer = answered.get_future();
  sendAsync(method, path, apiKey, jsonBody,
            [&answered](Exchange exchange) { answered.set_value(std::move(exchange)); });
  return answer.get();
}

}  // namespace vo::elevenlabs
