#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vo/api/Call.h"
#include "vo/api/Health.h"
#include "vo/api/Result.h"

namespace vo::api {

// A reference to a stored call that is due. The store holds the call; the queue only orders.
struct QueueJob {
  std::string callId;
  std::string workspaceId;
  std::string campaignId;  // empty: no campaign
  Lane lane = Lane::kBulk;
  int64_t dueAtMs = 0;  // not claimable before this
  // Pacing keys the call counts against while in flight, e.g. "phone:acme/phnum_1",
  // "agent:acme/agent_1", "workspace:acme", "account:elevenlabs/operator". Limits are set with
  // setPacingLimits.
  std::vector<std::string> pacingKeys;
};

// A claimed job. Only the holder of `token` may complete, retry or extend it.
struct Lease {
  std::string callId;
  std::string token;
  std::string workspaceId;
  std::string campaignId;
  Lane lane = Lane::kBulk;
  int64_t expiresAtMs = 0;
};

struct ClaimRequest {
  std::string workerId;
  int maxJobs = 1;
  int64_t nowMs = 0;
  int64_t leaseMs = 30000;
};

// One leased job leaving the queue (see CallQueue::complete).
struct JobCompletion {
  std::string callId;
  std::string token;
  bool keepSlots = false;
};

// Limits for one pacing key: concurrent calls (held from claim until releaseSlots) and a token
// bucket of calls per second. 0 means unlimited.
struct PacingLimit {
  std::string key;
  int maxConcurrent = 0;
  double perSecond = 0;
  int burst = 0;  // bucket size; 0: max(1, perSecond)
};

struct EnqueueOutcome {
  int64_t added = 0;
  int64_t alreadyQueued = 0;  // idempotent: the call id was already in the queue
};

// A page of the calls holding pacing slots (CallQueue::slotHolders).
struct SlotHolderPage {
  std::vector<std::string> callIds;
  std::string cursor;  // pass it back for the next page; empty: the last page
};

struct QueueCounts {
  int64_t waiting = 0;    // due and claimable (or waiting on pacing)
  int64_t delayed = 0;    // not yet due
  int64_t active = 0;     // leased
  int64_t paused = 0;     // in paused campaigns
  int64_t slotsHeld = 0;  // calls holding pacing slots
  std::map<std::string, int64_t> waitingByWorkspace;
  std::map<std::string, int64_t> waitingByCampaign;
};

// Orders due calls: priority lane first, then round-robin across workspaces and their
// campaigns, within pacing limits. Every method is thread-safe, returns a Result, never throws,
// and does bounded work per call. Times come from the caller (nowMs) so tests control them.
class CallQueue {
 public:
  static constexpr const char* kKind = "queue";
  virtual ~CallQueue();

  virtual ComponentHealth health() = 0;

  // Idempotent per call id: a call already waiting, delayed, paused or leased is left alone.
  virtual Result<EnqueueOutcome> enqueue(std::span<const QueueJob> jobs) = 0;
  // Leases up to maxJobs due jobs whose pacing keys all have room, priority first. Promotes
  // due delayed jobs. A job whose limits are full is skipped, not waited on.
  virtual Result<std::vector<Lease>> claim(const ClaimRequest& request) = 0;
  // Leases this one job now if it is due and its limits have room (the priority endpoint's
  // fast path); nullopt leaves it in line, first of its lane.
  virtual Result<std::optional<Lease>> claimCall(std::string_view callId, int64_t nowMs,
                                                 int64_t leaseMs) = 0;
  // Leases a job that is not in the queue yet (a priority call about to be written as
  // `dispatching`) if its pacing keys have room, without it ever being claimable by others;
  // nullopt: no room, enqueue it instead. kConflict when the call id is already queued or leased.
  virtual Result<std::optional<Lease>> leaseNew(const QueueJob& job, int64_t nowMs,
                                                int64_t leaseMs);
  virtual Result<bool> extendLease(std::string_view callId, std::string_view token, int64_t nowMs,
                                   int64_t leaseMs) = 0;
  // The job leaves the queue. With keepSlots its pacing slots stay held until releaseSlots
  // (the call is ringing); otherwise they are released now. False: token no longer valid.
  virtual Result<bool> complete(std::string_view callId, std::string_view token,
                                bool keepSlots) = 0;
  // complete() for many jobs in one round trip; answers[i] is complete()'s answer for jobs[i].
  virtual Result<std::vector<bool>> completeMany(std::span<const JobCompletion> jobs);
  // Back in line when dueAtMs comes; slots released. False: token no longer valid.
  virtual Result<bool> retry(std::string_view callId, std::string_view token, int64_t dueAtMs) = 0;
  // Releases the call's pacing slots. Idempotent.
  virtual Result<void> releaseSlots(std::string_view callId) = 0;
  // releaseSlots() for many calls in one round trip.
  virtual Result<void> releaseSlotsMany(std::span<const std::string> callIds);
  // Takes one slot of each of the job's pacing keys for a call that is already dialing or
  // ringing (not in the queue): the dispatcher gives back the slots a queue lost with its state
  // (see generation()), so ringing calls still count against their limits. No tokens are taken.
  // Idempotent per call id: a call already holding slots is left alone, so every instance may
  // do it. Released by releaseSlots like a claim's slots.
  virtual Result<void> holdSlots(std::span<const QueueJob> jobs) = 0;
  // Removes up to `max` jobs whose lease expired before nowMs, releases their slots and returns
  // their call ids; any live worker may call it. The caller decides each call's fate from the
  // store (queued: enqueue again; dispatching: unknown).
  virtual Result<std::vector<std::string>> recoverExpired(int64_t nowMs, int max) = 0;
  // Replaces the limits of the keys given; other keys keep theirs.
  virtual Result<void> setPacingLimits(std::span<const PacingLimit> limits) = 0;
  // Nothing with this pacing key is claimed before untilMs (a provider said 429).
  virtual Result<void> throttle(std::string_view pacingKey, int64_t untilMs) = 0;

  // O(1): jobs of a paused campaign stay in the queue but are not claimed.
  virtual Result<void> pauseCampaign(std::string_view campaignId) = 0;
  virtual Result<void> resumeCampaign(std::string_view campaignId) = 0;
  // Removes up to `max` unleased jobs of the campaign; returns how many. Call until 0.
  virtual Result<int64_t> cancelCampaign(std::string_view campaignId, int max) = 0;

  virtual Result<QueueCounts> counts() = 0;
  // Names the state the queue holds: it changes when the queue lost that state on its own (a
  // Redis server restarted empty), so the dispatcher rebuilds it from the store at once. Cheap:
  // asked about once a second. The default, for a queue that loses its state only with the
  // process, never changes.
  virtual Result<std::string> generation();
  // The calls holding pacing slots, about `count` a page, from `cursor` ("" : the start): the
  // dispatcher releases the slots of calls that ended while the queue could not be told.
  virtual Result<SlotHolderPage> slotHolders(std::string_view cursor, int count) = 0;
};

}  // namespace vo::api
