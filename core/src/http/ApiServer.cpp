#include "vo/core/ApiServer.h"

#include <Poco/Net/ServerSocket.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <algorithm>

#include "http/ApiHandler.h"
#include "http/front/HttpFront.h"

namespace vo::core {

namespace {

constexpr int kListenBacklog = 1024;

// Every open connection holds a descriptor: lift the soft limit to the hard one so hundreds of
// kept-alive clients (a provider's webhook sender, load generators) fit. Returns the limit.
rlim_t raiseOpenFileLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) return raised.rlim_cur;
  }
  return limit.rlim_cur;
}

}  // namespace

class ApiServer::Impl {
 public:
  explicit Impl(ApiServices services) : api(services) {
    http::OpsRoutes::registerCollectors(services);
  }

  http::ApiHandler api;
  Poco::Net::ServerSocket socket;
  std::unique_ptr<http::HttpFront> front;
  int port = 0;
};

ApiServer::ApiServer(ApiServices services) : impl_(std::make_unique<Impl>(std::move(services))) {}

ApiServer::~ApiServer() {
  stop();
}

void ApiServer::start() {
  const ServerConfig& config = impl_->api.context().services.config.server;
  spdlog::logger& logger = impl_->api.context().services.logger;
  const rlim_t openFiles = raiseOpenFileLimit();
  // Poco 1.11's ServerSocket(address, backlog) sets SO_REUSEPORT, which would let a second
  // server share a port already in use instead of failing: bind with reuseAddress only.
  Poco::Net::ServerSocket socket;
  socket.bind(Poco::Net::SocketAddress(config.host, static_cast<Poco::UInt16>(config.port)),
              /*reuseAddress=*/true, /*reusePort=*/false);
  socket.listen(kListenBacklog);
  http::FrontLimits limits;
  limits.maxBodyBytes = config.maxBodyBytes;
  http::FrontHandler handler{
      [this](http::ApiRequest request) { return impl_->api.handle(std::move(request)); },
      [this](int status) { impl_->api.countAnswer(status); },
      [this](const http::ApiRequest& request) { return impl_->api.checkHeaders(request); },
      [this](const http::ApiRequest& request) { return impl_->api.answersLater(request); },
      [this](http::ApiRequest request, const http::Responder& responder) {
        impl_->api.handleLater(std::move(request), responder);
      }};
  const int threads = std::max(1, config.threads);
  auto front = std::make_unique<http::HttpFront>(limits, threads, std::move(handler), logger);
  front->start(socket.impl()->sockfd());
  impl_->socket = socket;
  impl_->front = std::move(front);
  impl_->port = socket.address().port();
  logger.info("REST API listening on {}:{} with {} worker threads (open files limit {})",
              config.host, impl_->port, threads, static_cast<unsigned long long>(openFiles));
}

void ApiServer::stop() {
  if (!impl_->front) return;
  impl_->front->stop();
  impl_->front.reset();
  impl_->socket.close();
}

int ApiServer::port() const {
  return impl_->port;
}

}  // namespace vo::core
