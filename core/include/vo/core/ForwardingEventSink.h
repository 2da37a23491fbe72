#pragma once

#include <mutex>
#include <shared_mutex>
#include <vector>

#include "vo/api/CallEventSink.h"

namespace vo::core {

// The event sink plugins get at creation. Providers are created before the Dispatcher that
// applies their events, so events published before attach() are kept and handed over when
// it is called; afterwards they go straight through. After detach() (shutdown) events are kept
// again: the reconciler asks the provider about those calls on the next start.
class ForwardingEventSink final : public api::CallEventSink {
 public:
  ForwardingEventSink() = default;
  ~ForwardingEventSink() override;

  void publish(std::span<const api::CallEvent> events) override;
  // Forwards the events kept so far to `target`, then every later one.
  void attach(api::CallEventSink& target);
  // Returns once no publish() is using the target any more, so it may be destroyed.
  void detach();
  std::size_t pendingCount() const;

 private:
  // Held shared by publish() for its whole run, exclusively by attach() and detach().
  mutable std::shared_mutex targetMutex_;
  api::CallEventSink* target_ = nullptr;
  mutable std::mutex pendingMutex_;  // publishers buffering at the same time
  std::vector<api::CallEvent> pending_;
};

}  // namespace vo::core
