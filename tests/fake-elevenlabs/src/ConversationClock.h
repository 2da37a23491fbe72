#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "FakeRegistry.h"
#include "WebhookRecorder.h"
#include "WebhookSender.h"

namespace vo::fake_elevenlabs {

// Ends conversations when their time is up and hands their signed post-call webhooks to a
// WebhookSender with `webhookSenders` connections (one: one at a time, in order): the slot
// frees when the call ends, before its webhook goes out, as it does at ElevenLabs.
class ConversationClock {
 public:
  ConversationClock(FakeRegistry& registry, int webhookSenders);
  ~ConversationClock();
  ConversationClock(const ConversationClock&) = delete;
  ConversationClock& operator=(const ConversationClock&) = delete;

  void schedule(const std::string& conversationId, int64_t endAtSteadyMs);
  void stop();
  WebhookStats webhookStats() const;

 private:
  void run();
  // The ended conversation's signed webhook; nullopt when none is due (no URL, kSilent).
  std::optional<OutgoingWebhook> webhookOf(const Conversation& conversation,
                                           int64_t endedAtSteadyUs);

  FakeRegistry& registry_;
  WebhookRecorder recorder_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;  // the timer: a new due time, or stop
  std::multimap<int64_t, std::string> due_;
  bool stopping_ = false;
  int64_t scheduled_ = 0;
  int64_t finished_ = 0;  // ended with their webhook sent, refused, given up or not needed
  WebhookSender sender_;
  std::thread thread_;
};

}  // namespace vo::fake_elevenlabs
