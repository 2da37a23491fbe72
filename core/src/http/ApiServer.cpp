#include "vo/core/ApiServer.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>
#include <spdlog/spdlog.h>

#include "http/ApiHandler.h"

namespace vo::core {

namespace {

constexpr std::size_t kReadChunkBytes = 64 * 1024;
constexpr int kMaxQueuedConnections = 1024;
// A refused body up to this size is read and dropped before the 413 goes out: closing on unread
// bytes makes the kernel reset the connection, and the client would lose the answer mid-send.
constexpr int64_t kDiscardBodyBytes = 64 * 1024 * 1024;

std::string lowercase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// Reads the body up to `maxBytes`; false when it is larger (the rest is left unread).
bool readBody(std::istream& in, int64_t contentLength, int64_t maxBytes, std::string& body) {
  if (contentLength > 0) body.reserve(static_cast<std::size_t>(contentLength));
  char chunk[kReadChunkBytes];
  while (in) {
    in.read(chunk, sizeof chunk);
    const auto got = in.gcount();
    if (got <= 0) break;
    if (static_cast<int64_t>(body.size()) + got > maxBytes) return false;
    body.append(chunk, static_cast<std::size_t>(got));
  }
  return true;
}

void discardBody(std::istream& in) {
  char chunk[kReadChunkBytes];
  int64_t dropped = 0;
  while (in && dropped < kDiscardBodyBytes) {
    in.read(chunk, sizeof chunk);
    dropped += in.gcount();
  }
}

// Turns a Poco request into an ApiRequest, or answers the error itself.
std::optional<http::ApiResponse> translate(Poco::Net::HTTPServerRequest& request,
                                           int64_t maxBodyBytes, http::ApiRequest& out) {
  out.method = request.getMethod();
  try {
    Poco::URI uri(request.getURI());
    out.path = uri.getPath();
    for (auto& [name, value] : uri.getQueryParameters()) out.query.emplace_back(name, value);
  } catch (const Poco::Exception&) {
    return http::errorResponse(
        http::ApiError{400, "invalid_request", "the request URI is malformed"});
  }
  for (const auto& [name, value] : request) {
    auto [slot, added] = out.headers.emplace(lowercase(name), value);
    if (!added) slot->second += ", " + value;
  }
  const int64_t contentLength = request.hasContentLength() ? request.getContentLength64() : -1;
  const http::ApiResponse tooLarge = http::errorResponse(http::fieldError(
      413, "payload_too_large", "body", "larger than " + std::to_string(maxBodyBytes) + " bytes"));
  if (contentLength > maxBodyBytes) {
    if (contentLength <= kDiscardBodyBytes) discardBody(request.stream());
    return tooLarge;
  }
  if (!readBody(request.stream(), contentLength, maxBodyBytes, out.body)) {
    out.body.clear();
    discardBody(request.stream());
    return tooLarge;
  }
  return std::nullopt;
}

class RequestHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit RequestHandler(http::ApiHandler& api) : api_(api) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    http::ApiRequest apiRequest;
    http::ApiResponse answer;
    try {
      const int64_t maxBody = api_.context().services.config.server.maxBodyBytes;
      if (auto refused = translate(request, maxBody, apiRequest)) {
        answer = std::move(*refused);
        api_.countAnswer(answer.status);
        response.setKeepAlive(false);  // the unread body would be taken for the next request
      } else {
        answer = api_.handle(std::move(apiRequest));
      }
      response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(answer.status));
      response.setContentType(answer.contentType);
      for (const auto& [name, value] : answer.headers) response.set(name, value);
      response.sendBuffer(answer.body.data(), answer.body.size());
    } catch (const Poco::Exception& error) {
      // The client went away or timed out mid-request; nothing more can be said to it.
      api_.context().services.logger.debug("{} {}: connection error: {}", request.getMethod(),
                                           request.getURI(), error.displayText());
    } catch (const std::exception& error) {
      api_.context().services.logger.debug("{} {}: {}", request.getMethod(), request.getURI(),
                                           error.what());
    }
  }

 private:
  http::ApiHandler& api_;
};

class HandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit HandlerFactory(http::ApiHandler& api) : api_(api) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new RequestHandler(api_);
  }

 private:
  http::ApiHandler& api_;
};

}  // namespace

class ApiServer::Impl {
 public:
  explicit Impl(ApiServices services) : api(services) {
    http::OpsRoutes::registerCollectors(services);
  }

  http::ApiHandler api;
  std::unique_ptr<Poco::ThreadPool> pool;
  std::unique_ptr<Poco::Net::HTTPServer> server;
  int port = 0;
};

ApiServer::ApiServer(ApiServices services) : impl_(std::make_unique<Impl>(std::move(services))) {}

ApiServer::~ApiServer() {
  stop();
}

void ApiServer::start() {
  const ServerConfig& config = impl_->api.context().services.config.server;
  // Poco 1.11's ServerSocket(address, backlog) sets SO_REUSEPORT, which would let a second
  // server share a port already in use instead of failing: bind with reuseAddress only.
  Poco::Net::ServerSocket socket;
  socket.bind(Poco::Net::SocketAddress(config.host, static_cast<Poco::UInt16>(config.port)),
              /*reuseAddress=*/true, /*reusePort=*/false);
  socket.listen(kMaxQueuedConnections);
  auto* params = new Poco::Net::HTTPServerParams;
  const int threads = std::max(1, config.threads);
  params->setMaxThreads(threads);
  params->setMaxQueued(kMaxQueuedConnections);
  params->setKeepAlive(true);
  params->setMaxKeepAliveRequests(0);  // unlimited on one connection
  params->setKeepAliveTimeout(Poco::Timespan(10, 0));
  params->setTimeout(Poco::Timespan(15, 0));  // a request must arrive within 15 s: no slowloris
  params->setServerName("voice-orchestrator");
  impl_->pool = std::make_unique<Poco::ThreadPool>(std::min(2, threads), threads);
  impl_->server = std::make_unique<Poco::Net::HTTPServer>(new HandlerFactory(impl_->api),
                                                          *impl_->pool, socket, params);
  impl_->server->start();
  impl_->port = socket.address().port();
  impl_->api.context().services.logger.info("REST API listening on {}:{} with {} threads",
                                            config.host, impl_->port, threads);
}

void ApiServer::stop() {
  if (!impl_->server) return;
  impl_->server->stopAll(false);
  impl_->pool->joinAll();
  impl_->server.reset();
  impl_->pool.reset();
}

int ApiServer::port() const {
  return impl_->port;
}

}  // namespace vo::core
