#include "ChaosDice.h"

namespace vo::fake_elevenlabs {

ChaosDice::ChaosDice(const FakeChaos& chaos) : chaos_(chaos), generator_(chaos.seed) {}

double ChaosDice::roll() {
  std::lock_guard lock(mutex_);
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator_);
}

std::optional<Fault> ChaosDice::nextDialFault() {
  double at = roll();
  Fault fault;
  if ((at -= chaos_.notPlaced500) < 0) return fault;  // 500, nothing placed
  if ((at -= chaos_.tooMany429) < 0) {
    fault.status = 429;
    return fault;
  }
  if ((at -= chaos_.dropAfterAccept) < 0) {
    fault.kind = FaultKind::kDrop;
    fault.acceptFirst = true;
    return fault;
  }
  if ((at -= chaos_.answerAfterTimeout) < 0) {
    fault.kind = FaultKind::kHang;  // placed; the answer never comes before the client gives up
    fault.acceptFirst = true;
    return fault;
  }
  return std::nullopt;
}

WebhookFate ChaosDice::nextWebhookFate() {
  double at = roll();
  if ((at -= chaos_.webhookDrop) < 0) return WebhookFate::kDrop;
  if ((at -= chaos_.webhookDuplicate) < 0) return WebhookFate::kDuplicate;
  return WebhookFate::kSend;
}

}  // namespace vo::fake_elevenlabs
