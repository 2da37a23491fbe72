#include "ConversationClock.h"

#include <chrono>

#include "WireShapes.h"

namespace vo::fake_elevenlabs {
namespace {

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
    : registry_(registry),
      sender_(webhookSenders, registry, recorder_,
              [this] {
                std::lock_guard lock(mutex_);
                ++finished_;
              }),
      thread_([this] { run(); }) {}

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
  sender_.stop();
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
    if (ended) deliver(*ended, next * 1000);
    lock.lock();
    if (!ended) ++finished_;  // already over: its webhook went (or was never due)
  }
}

void ConversationClock::deliver(const Conversation& conversation, int64_t endedAtSteadyUs) {
  const FakeOptions options = registry_.options();
  OutgoingWebhook webhook;
  webhook.delivery.conversationId = conversation.call.conversationId;
  const int64_t now = unixSeconds();
  webhook.body =
      webhookBody(conversation, options.reportedDurationSecs, now, webhook.delivery.eventType);
  // No URL, or kSilent (only a lookup will tell): nothing to send.
  if (options.webhookUrl.empty() || webhook.body.empty()) {
    std::lock_guard lock(mutex_);
    ++finished_;
    return;
  }
  webhook.url = options.webhookUrl;
  webhook.signature = FakeElevenLabs::signatureHeader(options.webhookSecret, webhook.body, now);
  webhook.endedAtSteadyUs = endedAtSteadyUs;
  sender_.send(std::move(webhook));
}

}  // namespace vo::fake_elevenlabs
