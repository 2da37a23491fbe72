#include "vo/core/ForwardingEventSink.h"

namespace vo::core {

ForwardingEventSink::~ForwardingEventSink() = default;

void ForwardingEventSink::publish(std::span<const api::CallEvent> events) {
  std::shared_lock forwarding(targetMutex_);
  if (target_ != nullptr) {
    target_->publish(events);
    return;
  }
  std::lock_guard buffering(pendingMutex_);
  pending_.insert(pending_.end(), events.begin(), events.end());
}

void ForwardingEventSink::attach(api::CallEventSink& target) {
  std::unique_lock forwarding(targetMutex_);
  std::vector<api::CallEvent> kept;
  {
    std::lock_guard buffering(pendingMutex_);
    kept.swap(pending_);
  }
  // Kept events go first: no publisher runs until the target is set.
  if (!kept.empty()) target.publish(kept);
  target_ = &target;
}

void ForwardingEventSink::detach() {
  std::unique_lock forwarding(targetMutex_);
  target_ = nullptr;
}

std::size_t ForwardingEventSink::pendingCount() const {
  std::lock_guard buffering(pendingMutex_);
  return pending_.size();
}

}  // namespace vo::core
