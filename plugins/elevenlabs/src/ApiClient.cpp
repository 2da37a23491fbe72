#include "ApiClient.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <condition_variable>
#include <mutex>
#include <vector>

#include "vo/api/ConfigReader.h"

namespace vo::elevenlabs {
namespace {

using SessionPtr = std::unique_ptr<Poco::Net::HTTPClientSession>;

Poco::Net::Context::Ptr makeContext(const ElevenLabsSettings& settings) {
  Poco::Net::Context::Params params;
  params.verificationMode = settings.verifyCertificates ? Poco::Net::Context::VERIFY_RELAXED
                                                        : Poco::Net::Context::VERIFY_NONE;
  params.caLocation = settings.caFile;
  params.loadDefaultCAs = true;
  try {
    return new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
  } catch (const Poco::Exception& e) {
    throw vo::api::ConfigError("caFile: cannot set up TLS: " + e.displayText());
  }
}

// A kept-alive connection the server has closed meanwhile reads as ready (EOF). Sending on it
// would fail only after the request was written, which looks like "may have been placed", so
// such a connection is dropped before use.
void dropIfClosedByPeer(Poco::Net::HTTPClientSession& session) {
  if (!session.connected()) return;
  try {
    if (session.socket().poll(Poco::Timespan(0),
                              Poco::Net::Socket::SELECT_READ | Poco::Net::Socket::SELECT_ERROR)) {
      session.reset();
    }
  } catch (const Poco::Exception&) {
    session.reset();
  }
}

std::string networkError(Poco::Net::HTTPClientSession& session, const std::string& fallback) {
  const Poco::Exception* failure = session.networkException();
  return failure != nullptr ? failure->displayText() : fallback;
}

}  // namespace

struct ApiClient::State {
  bool https = false;
  std::string host;
  Poco::UInt16 port = 0;
  std::string label;
  Poco::Net::Context::Ptr context;
  Poco::Timespan connectTimeout;
  Poco::Timespan readTimeout;
  size_t maxConnections = 1;

  std::mutex mutex;
  std::condition_variable returned;
  std::vector<SessionPtr> idle;
  size_t open = 0;  // idle plus in use

  SessionPtr newSession() const {
    SessionPtr session = https
                             ? std::make_unique<Poco::Net::HTTPSClientSession>(host, port, context)
                             : std::make_unique<Poco::Net::HTTPClientSession>(host, port);
    session->setTimeout(connectTimeout, readTimeout, readTimeout);
    session->setKeepAlive(true);
    return session;
  }

  SessionPtr acquire() {
    std::unique_lock lock(mutex);
    returned.wait(lock, [this] { return !idle.empty() || open < maxConnections; });
    if (!idle.empty()) {
      SessionPtr session = std::move(idle.back());
      idle.pop_back();
      return session;
    }
    ++open;
    lock.unlock();
    return newSession();
  }

  void release(SessionPtr session, bool reusable) {
    {
      std::lock_guard lock(mutex);
      if (reusable) {
        idle.push_back(std::move(session));
      } else {
        --open;
      }
    }
    returned.notify_one();
    // A connection not kept closes here, outside the lock.
  }
};

ApiClient::ApiClient(const ElevenLabsSettings& settings) : state_(std::make_unique<State>()) {
  Poco::URI uri;
  try {
    uri = Poco::URI(settings.baseUrl);
  } catch (const Poco::Exception& e) {
    throw vo::api::ConfigError("baseUrl: " + e.displayText());
  }
  if (uri.getHost().empty()) throw vo::api::ConfigError("baseUrl: no host in " + settings.baseUrl);
  state_->https = uri.getScheme() == "https";
  state_->host = uri.getHost();
  state_->port = uri.getPort();
  state_->label = state_->host + ":" + std::to_string(state_->port);
  if (state_->https) {
    Poco::Net::initializeSSL();
    state_->context = makeContext(settings);
  }
  state_->connectTimeout = Poco::Timespan(settings.connectTimeoutMs * 1000);
  state_->readTimeout = Poco::Timespan(settings.readTimeoutMs * 1000);
  state_->maxConnections = static_cast<size_t>(settings.maxConnections);
}

ApiClient::~ApiClient() {
  const bool https = state_->https;
  state_.reset();
  if (https) Poco::Net::uninitializeSSL();
}

const std::string& ApiClient::hostLabel() const {
  return state_->label;
}

Exchange ApiClient::send(const std::string& method, const std::string& path,
                         const std::string& apiKey, const std::string& jsonBody) {
  SessionPtr session = state_->acquire();
  dropIfClosedByPeer(*session);

  Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  request.setKeepAlive(true);
  request.set("xi-api-key", apiKey);
  request.set("Accept", "application/json");
  request.set("User-Agent", "voice-orchestrator");
  if (!jsonBody.empty()) {
    request.setContentType("application/json");
    request.setContentLength64(static_cast<Poco::Int64>(jsonBody.size()));
  }

  Exchange exchange;
  try {
    std::ostream& out = session->sendRequest(request);
    out.write(jsonBody.data(), static_cast<std::streamsize>(jsonBody.size()));
    out.flush();
    if (!out.good() || session->networkException() != nullptr) {
      exchange.error = networkError(*session, "the request could not be written");
      state_->release(std::move(session), false);
      return exchange;
    }
  } catch (const Poco::Exception& e) {
    exchange.error = e.displayText();
    state_->release(std::move(session), false);
    return exchange;
  }

  exchange.stage = ExchangeStage::kNoAnswer;
  try {
    Poco::Net::HTTPResponse response;
    std::istream& in = session->receiveResponse(response);
    exchange.stage = ExchangeStage::kAnswered;
    exchange.status = static_cast<int>(response.getStatus());
    exchange.retryAfter = response.get("Retry-After", "");
    Poco::StreamCopier::copyToString(in, exchange.body);
    const bool reusable =
        response.getKeepAlive() && in.eof() && !in.bad() && session->networkException() == nullptr;
    state_->release(std::move(session), reusable);
  } catch (const Poco::Exception& e) {
    if (exchange.stage == ExchangeStage::kNoAnswer) exchange.error = e.displayText();
    state_->release(std::move(session), false);
  }
  return exchange;
}

}  // namespace vo::elevenlabs
