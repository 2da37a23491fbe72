#include "ConversationClock.h"

#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <algorithm>
#include <chrono>

#include "WireShapes.h"

namespace vo::fake_elevenlabs {
namespace {

constexpr int kDeliveryAttempts = 5;

}  // namespace

int64_t steadyMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int64_t unixSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

ConversationClock::ConversationClock(FakeRegistry& registry)
    : registry_(registry), thread_([this] { run(); }) {
  const int senders = std::max(1, registry_.options().webhookSenders);
  for (int i = 0; i < senders; ++i) senders_.emplace_back([this] { send(); });
}

ConversationClock::~ConversationClock() {
  stop();
}

void ConversationClock::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (auto& sender : senders_) {
    if (sender.joinable()) sender.join();
  }
}

void ConversationClock::schedule(const std::string& conversationId, int64_t endAtSteadyMs) {
  {
    std::lock_guard lock(mutex_);
    due_.emplace(endAtSteadyMs, conversationId);
  }
  wake_.notify_all();
}

void ConversationClock::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (due_.empty()) {
      wake_.wait(lock);
      continue;
    }
    const int64_t next = due_.begin()->first;
    const int64_t now = steadyMillis();
    if (next > now) {
      wake_.wait_for(lock, std::chrono::milliseconds(next - now));
      continue;
    }
    const std::string conversationId = due_.begin()->second;
    due_.erase(due_.begin());
    lock.unlock();
    auto ended = registry_.end(conversationId);
    lock.lock();
    if (ended) {
      ended_.push_back(std::move(*ended));
      wake_.notify_all();
    }
  }
}

void ConversationClock::send() {
  WebhookSession session;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (ended_.empty()) {
      wake_.wait(lock);
      continue;
    }
    const Conversation conversation = std::move(ended_.front());
    ended_.pop_front();
    lock.unlock();
    deliver(conversation, session);
    lock.lock();
  }
}

void ConversationClock::deliver(const Conversation& conversation, WebhookSession& session) {
  const FakeOptions options = registry_.options();
  if (options.webhookUrl.empty()) return;
  WebhookDelivery delivery;
  delivery.conversationId = conversation.call.conversationId;
  const int64_t now = unixSeconds();
  const std::string body =
      webhookBody(conversation, options.reportedDurationSecs, now, delivery.eventType);
  if (body.empty()) return;  // kSilent: only a lookup will tell
  const std::string signature = FakeElevenLabs::signatureHeader(options.webhookSecret, body, now);
  for (int attempt = 1; attempt <= kDeliveryAttempts; ++attempt) {
    delivery.attempts = attempt;
    delivery.httpStatus = post(session, options.webhookUrl, body, signature);
    registry_.countWebhookAnswer(delivery.httpStatus);
    const bool retryable = delivery.httpStatus == 0 || delivery.httpStatus >= 500;
    if (!retryable) break;
    std::unique_lock lock(mutex_);
    if (wake_.wait_for(lock, std::chrono::milliseconds(100 * attempt),
                       [this] { return stopping_; })) {
      break;
    }
  }
  registry_.recordDelivery(std::move(delivery));
}

int ConversationClock::post(WebhookSession& session, const std::string& url,
                            const std::string& body, const std::string& signature) {
  try {
    const Poco::URI uri(url);
    const std::string authority = uri.getHost() + ":" + std::to_string(uri.getPort());
    if (!session.session || authority != session.authority) {
      session.session =
          std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
      session.session->setTimeout(Poco::Timespan(10, 0));
      session.session->setKeepAlive(true);
      session.authority = authority;
    }
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, uri.getPathAndQuery(),
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.setKeepAlive(true);
    request.setContentType("application/json");
    request.setContentLength64(static_cast<Poco::Int64>(body.size()));
    request.set("ElevenLabs-Signature", signature);
    request.set("User-Agent", "ElevenLabs/1.0 (fake)");
    session.session->sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.session->receiveResponse(response);
    std::string ignored;
    Poco::StreamCopier::copyToString(in, ignored);
    return static_cast<int>(response.getStatus());
  } catch (const Poco::Exception&) {
    session.session.reset();
    return 0;
  }
}

}  // namespace vo::fake_elevenlabs
