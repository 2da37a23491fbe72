#pragma once

#include <cstdint>
#include <functional>
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
  // The same without holding the caller's thread: `done` is told what `apply` would return, on
  // the batch's thread (it must not block), or on a thread of `runBlocking` when some event's
  // call is not found under its provider id and a lookup that may wait is left to do.
  using Applied = std::function<void(api::Result<void>)>;
  using RunBlocking = std::function<void(std::function<void()>)>;
  void applyAsync(std::vector<api::CallEvent> events, Applied done, RunBlocking runBlocking);
  // Applies one outcome to a call already read; true when the call changed.
  bool applyTo(const api::Call& call, const api::CallEvent& event);

 private:
  // What became of one event in a batch.
  enum class Fate : uint8_t {
    kSettled,      // applied, moot, or acknowledged and ignored
    kNotKnownYet,  // no such call yet: the provider should send it again
    kLookAgain,    // no call under its provider id: its dial may still be being recorded
  };

  // One batch of many callers' events: transitioned and settled in one pass, so a webhook waits
  // for one batch instead of a lookup's, a write's and a slot release's in turn.
  api::Result<std::vector<Fate>> applyBatch(std::span<const api::CallEvent> events);
  // The calls of the events known by the provider's id alone (nullopt for the others, and
  // where none is stored under it yet); error when the store failed.
  api::Result<std::vector<std::optional<api::Call>>> callsByProviderId(
      std::span<const api::CallEvent> events);
  // An event whose call was not found, after the batch: waits for a dial being recorded or
  // looks once more; applies it when found.
  api::Result<Fate> applyLate(const api::CallEvent& event);
  // What the events' batch fates mean for their sender, after the late lookups they ask for.
  api::Result<void> finish(std::span<const api::CallEvent> events, std::vector<Fate> fates);
  // Counts and logs an event for a call nobody knows; its fate by its age.
  Fate unknownCall(const api::CallEvent& event, int64_t now);
  std::optional<api::CallTransition> changeFor(const std::string& callId,
                                               const api::CallEvent& event);
  // Counts the calls the changes that moved ended, under their workspace and agent: from the
  // dial's record in this process, otherwise read (one batch; "other" if the read fails).
  void countFinished(std::span<const api::CallTransition> changes, const std::vector<bool>& moved);
  // Counts which changes applied and which were moot (not those whose call is `unknown`,
  // counted by unknownCall); the calls that reached a final status.
  std::vector<std::string> settle(std::span<const api::CallTransition> changes,
                                  const std::vector<bool>& moved, const std::vector<bool>& unknown);

  DispatchContext& context_;
  GroupCommit<api::CallEvent, Fate> batches_;
};

}  // namespace vo::core::dispatch
