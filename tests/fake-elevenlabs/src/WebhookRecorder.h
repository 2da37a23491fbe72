#pragma once

#include <cstdint>
#include <mutex>
#include <vector>

#include "vo/fake_elevenlabs/FakeElevenLabs.h"

namespace vo::fake_elevenlabs {

// What the webhook senders saw, for WebhookStats: every attempt's answer and time, every
// delivery's lag behind the end of its conversation. Thread-safe.
class WebhookRecorder {
 public:
  // `status` 0: no answer, `timedOut` telling why. `answerUs`: POST sent -> answer read
  // (ignored without an answer).
  void recordAttempt(int status, bool timedOut, int64_t answerUs);
  void recordFirstSend(int64_t lagUs);
  void recordDeliveryOver();
  WebhookStats stats(int64_t pending) const;

 private:
  mutable std::mutex mutex_;
  WebhookStats counts_;
  std::vector<int64_t> answerUs_;
  std::vector<int64_t> lagUs_;
};

}  // namespace vo::fake_elevenlabs
