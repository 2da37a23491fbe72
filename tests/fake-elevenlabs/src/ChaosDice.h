#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <random>

#include "vo/fake_elevenlabs/FakeElevenLabs.h"

namespace vo::fake_elevenlabs {

// What happens to one post-call webhook under chaos.
enum class WebhookFate { kSend, kDrop, kDuplicate };

// Draws the misbehaviour FakeChaos asks for, request by request, from one seeded generator: the
// same seed and the same order of requests give the same faults.
class ChaosDice {
 public:
  explicit ChaosDice(const FakeChaos& chaos);

  // The fault for the next outbound call that has no injected one; nullopt: answer normally.
  std::optional<Fault> nextDialFault();
  WebhookFate nextWebhookFate();

 private:
  double roll();

  const FakeChaos chaos_;
  std::mutex mutex_;
  std::mt19937_64 generator_;
};

}  // namespace vo::fake_elevenlabs
