#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dispatch/DispatchContext.h"
#include "dispatch/GroupCommit.h"
#include "vo/api/CallEvent.h"

namespace vo::core::dispatch {

// Provider outcomes (webhooks, pushed events, lookups) applied as conditional transitions, so a
// repeated or late outcome changes nothing. Lookups by provider id and the transitions of many
// concurrent callers go to the store in batches.
class EventApplier {
 public:
  explicit EventApplier(DispatchContext& context);
  ~EventApplier();

  // Applies the outcomes; answers only after they are durably recorded (or found moot). An
  // error means some outcome is not recorded yet and should come again: the store failed, or
  // its call is not known yet (a webhook can beat the dial's own record, here or in another
  // process; an outcome younger than a lease counts), so a webhook is answered non-2xx and the
  // provider retries it. An old outcome for a call nobody knows is acknowledged and ignored.
  api::Result<void> apply(std::span<const api::CallEvent> events);
  // Applies one outcome to a call already read; true when the call changed.
  bool applyTo(const api::Call& call, const api::CallEvent& event);

 private:
  // The events' calls, nullopt where not (yet) known; error when the store failed.
  api::Result<std::vector<std::optional<api::Call>>> callsOf(
      std::span<const api::CallEvent> events);
  std::optional<api::CallTransition> changeFor(const api::Call& call, const api::CallEvent& event);
  // Counts which changes applied (and which were moot) and releases the ended calls' slots.
  void settle(std::span<const api::CallTransition> changes, const std::vector<bool>& moved);

  DispatchContext& context_;
  // Call id, or provider call id -> its call, for many webhooks at once.
  GroupCommit<std::string, std::optional<api::Call>> byId_;
  GroupCommit<std::string, std::optional<api::Call>> byProviderId_;
};

}  // namespace vo::core::dispatch
