#include "ConversationClock.h"

#include <chrono>
#include <optional>
#include <utility>
#include <vector>

#include "ConversationShapes.h"
#include "SocketIo.h"

namespace vo::fake_elevenlabs {
namespace {

// How long the timer rests after sending what was due (webhooks go out at most this late).
constexpr auto kBatchPause = std::chrono::milliseconds(5);

}  // namespace

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
  bool earliest = false;
  {
    std::lock_guard lock(mutex_);
    earliest = due_.empty() || endAtSteadyMs < due_.begin()->first;
    due_.emplace(endAtSteadyMs, conversationId);
    ++scheduled_;
  }
  // The timer sleeps until the earliest end: only a new earliest one needs to wake it.
  if (earliest) wake_.notify_all();
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
    // Everything due goes together, then the timer rests a moment: ends a few milliseconds
    // apart are sent in one hand-off instead of a wake-up each.
    std::vector<std::pair<int64_t, std::string>> ended;
    while (!due_.empty() && due_.begin()->first <= now) {
      ended.emplace_back(due_.begin()->first, std::move(due_.begin()->second));
      due_.erase(due_.begin());
    }
    lock.unlock();
    std::vector<OutgoingWebhook> webhooks;
    int64_t notDue = 0;
    for (const auto& [endAtMs, conversationId] : ended) {
      std::optional<Conversation> conversation = registry_.end(conversationId);
      // Already over (its webhook went, or was never due), or no webhook to send.
      auto webhook = conversation ? webhookOf(*conversation, endAtMs * 1000) : std::nullopt;
      const WebhookFate fate = webhook ? registry_.webhookFate() : WebhookFate::kDrop;
      if (fate == WebhookFate::kDrop) {
        ++notDue;
        continue;
      }
      if (fate == WebhookFate::kDuplicate) webhooks.push_back(*webhook);
      webhooks.push_back(std::move(*webhook));
    }
    sender_.sendAll(std::move(webhooks));
    lock.lock();
    finished_ += notDue;
    wake_.wait_for(lock, kBatchPause, [this] { return stopping_; });
  }
}

std::optional<OutgoingWebhook> ConversationClock::webhookOf(const Conversation& conversation,
                                                            int64_t endedAtSteadyUs) {
  const FakeOptions options = registry_.options();
  OutgoingWebhook webhook;
  webhook.delivery.conversationId = conversation.call.conversationId;
  const int64_t now = unixSeconds();
  webhook.body =
      webhookBody(conversation, options.reportedDurationSecs, now, webhook.delivery.eventType);
  // No URL, or kSilent (only a lookup will tell): nothing to send.
  if (options.webhookUrl.empty() || webhook.body.empty()) return std::nullopt;
  webhook.url = options.webhookUrl;
  webhook.signature = FakeElevenLabs::signatureHeader(options.webhookSecret, webhook.body, now);
  webhook.endedAtSteadyUs = endedAtSteadyUs;
  return webhook;
}

}  // namespace vo::fake_elevenlabs
