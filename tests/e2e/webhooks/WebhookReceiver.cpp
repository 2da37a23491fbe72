#include "WebhookReceiver.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>
#include <cstdio>
#include <stdexcept>

#include "vo/testing/Json.h"

namespace vo::testing {

namespace {

class Handler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(WebhookReceiver& receiver) : receiver_(receiver) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    std::string body;
    Poco::StreamCopier::copyToString(request.stream(), body);
    try {
      receiver_.receive(request.get("VO-Signature", ""), request.get("VO-Event-Id", ""), body);
      response.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
    } catch (const std::exception&) {
      response.setStatus(Poco::Net::HTTPResponse::HTTP_BAD_REQUEST);
    }
    response.setContentLength(0);
    response.send();
  }

 private:
  WebhookReceiver& receiver_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(WebhookReceiver& receiver) : receiver_(receiver) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Handler(receiver_);
  }

 private:
  WebhookReceiver& receiver_;
};

std::string hmacHex(const std::string& secret, const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest, &size);
  std::string hex(2 * size, '0');
  for (unsigned int i = 0; i < size; ++i) std::snprintf(&hex[2 * i], 3, "%02x", digest[i]);
  return hex;
}

}  // namespace

WebhookReceiver::WebhookReceiver() {
  Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
  port_ = probe.address().port();
}

WebhookReceiver::~WebhookReceiver() {
  stop();
}

void WebhookReceiver::setSecret(const std::string& secret) {
  std::lock_guard lock(mutex_);
  secret_ = secret;
}

void WebhookReceiver::start() {
  Poco::Net::ServerSocket socket;
  socket.bind(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port_)), true);
  socket.listen(64);
  auto params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(8);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), socket, params);
  server_->start();
}

void WebhookReceiver::stop() {
  if (!server_) return;
  server_->stopAll(true);
  server_.reset();
}

void WebhookReceiver::receive(const std::string& signature, const std::string& eventId,
                              const std::string& body) {
  std::lock_guard lock(mutex_);
  const std::size_t comma = signature.find(",v1=");
  const bool shaped = signature.rfind("t=", 0) == 0 && comma != std::string::npos;
  const std::string timestamp = shaped ? signature.substr(2, comma - 2) : "";
  const std::string expected = hmacHex(secret_, timestamp + "." + body);
  const std::string given = shaped ? signature.substr(comma + 4) : "";
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const bool fresh = shaped && std::llabs(now - std::stoll(timestamp)) <= 300;
  if (!fresh || given.size() != expected.size() ||
      CRYPTO_memcmp(given.data(), expected.data(), given.size()) != 0) {
    ++refused_;
    throw std::runtime_error("bad signature");
  }
  const Json event = Json::parse(body);
  if (event["id"].string() != eventId) {
    ++refused_;
    throw std::runtime_error("VO-Event-Id is not the body's id");
  }
  events_.insert({event["data"]["id"].string(), event["type"].string()});
  ++timesById_[eventId];
}

std::set<std::pair<std::string, std::string>> WebhookReceiver::events() {
  std::lock_guard lock(mutex_);
  return events_;
}

std::map<std::string, int> WebhookReceiver::timesById() {
  std::lock_guard lock(mutex_);
  return timesById_;
}

int WebhookReceiver::refused() {
  std::lock_guard lock(mutex_);
  return refused_;
}

}  // namespace vo::testing
