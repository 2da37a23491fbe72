#include "ConversationClock.h"

#include <Poco/Exception.h>
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

int64_t steadyMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int64_t steadyMillis() {
  return steadyMicros() / 1000;
}

int64_t unixSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

ConversationClock::ConversationClock(FakeRegistry& registry, int webhookSenders)
    : registry_(registry), thread_([this] { run(); }) {
  for (int i = 0; i < std::max(1, webhookSenders); ++i) {
    senders_.emplace_back([this] { sendLoop(); });
  }
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
  sendersWake_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (auto& sender : senders_) {
    if (sender.joinable()) sender.join();
  }
}

void ConversationClock::schedule(const std::string& conversationId, int64_t endAtSteadyMs) {
  {
    std::lock_guard lock(mutex_);
    due_.emplace(endAtSteadyMs, conversationId);
    ++scheduled_;
  }
  wake_.notify_all();
}

WebhookStats ConversationClock::webhookStats() const {
  int64_t pending = 0;
  {
    std::lock_guard lock(mutex_);
    pending = scheduled_ - finished_;
  }
  return recorder_.stats(pending);
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
    std::optional<Conversation> ended = registry_.end(conversationId);
    lock.lock();
    if (!ended) {
      ++finished_;  // already over: its webhook went (or was never due)
      continue;
    }
    ended_.push_back(Ended{std::move(*ended), next * 1000});
    sendersWake_.notify_one();
  }
}

void ConversationClock::sendLoop() {
  Connection connection;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (ended_.empty()) {
      sendersWake_.wait(lock);
      continue;
    }
    const Ended ended = std::move(ended_.front());
    ended_.pop_front();
    lock.unlock();
    deliver(ended, connection);
    lock.lock();
    ++finished_;
  }
}

void ConversationClock::deliver(const Ended& ended, Connection& connection) {
  const FakeOptions options = registry_.options();
  if (options.webhookUrl.empty()) return;
  const Conversation& conversation = ended.conversation;
  WebhookDelivery delivery;
  delivery.conversationId = conversation.call.conversationId;
  const int64_t now = unixSeconds();
  const std::string body =
      webhookBody(conversation, options.reportedDurationSecs, now, delivery.eventType);
  if (body.empty()) return;  // kSilent: only a lookup will tell
  const std::string signature = FakeElevenLabs::signatureHeader(options.webhookSecret, body, now);
  recorder_.recordFirstSend(steadyMicros() - ended.endedAtSteadyUs);
  for (int attempt = 1; attempt <= kDeliveryAttempts; ++attempt) {
    delivery.attempts = attempt;
    const int64_t sentAt = steadyMicros();
    bool timedOut = false;
    delivery.httpStatus = post(connection, options.webhookUrl, body, signature, timedOut);
    recorder_.recordAttempt(delivery.httpStatus, timedOut, steadyMicros() - sentAt);
    registry_.countWebhookAnswer(delivery.httpStatus);
    const bool retryable = delivery.httpStatus == 0 || delivery.httpStatus >= 500;
    if (!retryable) break;
    std::unique_lock lock(mutex_);
    if (wake_.wait_for(lock, std::chrono::milliseconds(100 * attempt),
                       [this] { return stopping_; })) {
      break;
    }
  }
  recorder_.recordDeliveryOver();
  registry_.recordDelivery(std::move(delivery));
}

int ConversationClock::post(Connection& connection, const std::string& url, const std::string& body,
                            const std::string& signature, bool& timedOut) {
  timedOut = false;
  try {
    const Poco::URI uri(url);
    const std::string authority = uri.getHost() + ":" + std::to_string(uri.getPort());
    if (!connection.session || authority != connection.authority) {
      connection.session =
          std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
      connection.session->setTimeout(Poco::Timespan(10, 0));
      connection.session->setKeepAlive(true);
      connection.authority = authority;
    }
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, uri.getPathAndQuery(),
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.setKeepAlive(true);
    request.setContentType("application/json");
    request.setContentLength64(static_cast<Poco::Int64>(body.size()));
    request.set("ElevenLabs-Signature", signature);
    request.set("User-Agent", "ElevenLabs/1.0 (fake)");
    connection.session->sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = connection.session->receiveResponse(response);
    std::string ignored;
    Poco::StreamCopier::copyToString(in, ignored);
    return static_cast<int>(response.getStatus());
  } catch (const Poco::TimeoutException&) {
    timedOut = true;
    connection.session.reset();
    return 0;
  } catch (const Poco::Exception&) {
    connection.session.reset();
    return 0;
  }
}

}  // namespace vo::fake_elevenlabs
