#include "vo/queue_memory/MemoryQueue.h"

#include <algorithm>
#include <memory>
#include <mutex>
#include <queue>
#include <random>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "LaneRotation.h"
#include "PacingBook.h"

namespace vo::queue_memory {
namespace {

using api::Error;
using api::ErrorCode;
using api::makeError;
using api::Result;

// Bounds on the work one claim does, whatever the queue holds.
constexpr std::size_t kPromotionsPerClaim = 1000;
constexpr std::size_t kWakesPerClaim = 1000;
constexpr int kMaxJobsPerClaim = 1000;

struct DelayedRef {
  int64_t dueAtMs = 0;
  EntryRef ref;
  bool operator>(const DelayedRef& other) const { return dueAtMs > other.dueAtMs; }
};

std::string joinKeys(std::vector<std::string> keys) {
  std::sort(keys.begin(), keys.end());
  std::string joined;
  for (const std::string& key : keys) joined.append(key).push_back('\n');
  return joined;
}

std::optional<Error> validateJob(const api::QueueJob& job, std::size_t index) {
  auto field = [index](const char* name) { return "jobs[" + std::to_string(index) + "]." + name; };
  if (job.callId.empty()) return makeError(ErrorCode::kInvalid, field("callId") + ": empty");
  if (job.workspaceId.empty()) {
    return makeError(ErrorCode::kInvalid, field("workspaceId") + ": empty");
  }
  for (const std::string& key : job.pacingKeys) {
    if (key.empty()) return makeError(ErrorCode::kInvalid, field("pacingKeys") + ": empty key");
  }
  return std::nullopt;
}

class MemoryQueue final : public api::CallQueue {
 public:
  api::ComponentHealth health() override { return {true, "in memory"}; }

  Result<api::EnqueueOutcome> enqueue(std::span<const api::QueueJob> jobs) override {
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      if (auto error = validateJob(jobs[i], i)) return *error;
    }
    std::lock_guard lock(mutex_);
    api::EnqueueOutcome outcome;
    entries_.reserve(entries_.size() + jobs.size());
    const api::QueueJob* previous = nullptr;
    Stream* stream = nullptr;
    for (const api::QueueJob& job : jobs) {
      if (entries_.contains(job.callId)) {
        ++outcome.alreadyQueued;
        continue;
      }
      // A bulk's jobs mostly share their stream: look it up only when it changes.
      if (previous == nullptr || !sameStream(*previous, job)) stream = &streamFor(job);
      previous = &job;
      const EntryPtr& entry = addEntry(job, *stream);
      if (job.dueAtMs > latestNowMs_) {
        placeDelayed(entry);
      } else {
        placeWaiting(entry);
      }
      ++outcome.added;
    }
    return outcome;
  }

  Result<std::vector<api::Lease>> claim(const api::ClaimRequest& request) override {
    if (request.maxJobs <= 0 || request.maxJobs > kMaxJobsPerClaim) {
      return makeError(ErrorCode::kInvalid, "maxJobs: must be 1..1000");
    }
    if (request.leaseMs <= 0) return makeError(ErrorCode::kInvalid, "leaseMs: must be positive");
    std::lock_guard lock(mutex_);
    int64_t nowMs = request.nowMs;
    latestNowMs_ = std::max(latestNowMs_, nowMs);
    promoteDue(nowMs);
    for (auto [stream, lane] : pacing_.wake(nowMs, kWakesPerClaim)) {
      rotation(lane).activate(*stream);
    }
    std::vector<api::Lease> leases;
    for (api::Lane lane : {api::Lane::kPriority, api::Lane::kBulk}) {
      claimFromLane(lane, request, leases);
    }
    return leases;
  }

  Result<std::optional<api::Lease>> claimCall(std::string_view callId, int64_t nowMs,
                                              int64_t leaseMs) override {
    if (leaseMs <= 0) return makeError(ErrorCode::kInvalid, "leaseMs: must be positive");
    std::lock_guard lock(mutex_);
    auto found = entries_.find(callId);
    if (found == entries_.end()) {
      return makeError(ErrorCode::kNotFound, "call " + std::string(callId) + " is not queued");
    }
    EntryPtr entry = found->second;
    if (entry->state == EntryState::kActive) {
      return makeError(ErrorCode::kConflict, "call " + std::string(callId) + " is leased");
    }
    const bool due = entry->dueAtMs <= nowMs;
    if (!due || entry->stream->campaign->paused ||
        pacing_.blockingKey(entry->stream->keys, nowMs)) {
      return std::optional<api::Lease>();
    }
    unplace(*entry);
    return std::optional<api::Lease>(lease(entry, nowMs, leaseMs));
  }

  Result<std::optional<api::Lease>> leaseNew(const api::QueueJob& job, int64_t nowMs,
                                             int64_t leaseMs) override {
    if (auto error = validateJob(job, 0)) return *error;
    if (leaseMs <= 0) return makeError(ErrorCode::kInvalid, "leaseMs: must be positive");
    std::lock_guard lock(mutex_);
    if (entries_.contains(job.callId)) {
      return makeError(ErrorCode::kConflict, "call " + job.callId + " is already queued");
    }
    bool paused = !job.campaignId.empty() && pausedCampaigns_.contains(job.campaignId);
    Stream& stream = streamFor(job);
    if (job.dueAtMs > nowMs || paused || pacing_.blockingKey(stream.keys, nowMs)) {
      return std::optional<api::Lease>();
    }
    return std::optional<api::Lease>(lease(addEntry(job, stream), nowMs, leaseMs));
  }

  Result<bool> extendLease(std::string_view callId, std::string_view token, int64_t nowMs,
                           int64_t leaseMs) override {
    if (leaseMs <= 0) return makeError(ErrorCode::kInvalid, "leaseMs: must be positive");
    std::lock_guard lock(mutex_);
    Entry* entry = leased(callId, token);
    if (entry == nullptr) return false;
    expiries_.erase({entry->expiresAtMs, entry->callId});
    entry->expiresAtMs = nowMs + leaseMs;
    expiries_.emplace(entry->expiresAtMs, entry->callId);
    return true;
  }

  Result<bool> complete(std::string_view callId, std::string_view token, bool keepSlots) override {
    std::lock_guard lock(mutex_);
    Entry* entry = leased(callId, token);
    if (entry == nullptr) return false;
    std::string id = entry->callId;
    expiries_.erase({entry->expiresAtMs, id});
    entry->state = EntryState::kRemoved;
    ++entry->epoch;
    entries_.erase(id);
    if (!keepSlots) releaseSlotsLocked(id);
    return true;
  }

  Result<bool> retry(std::string_view callId, std::string_view token, int64_t dueAtMs) override {
    std::lock_guard lock(mutex_);
    Entry* entry = leased(callId, token);
    if (entry == nullptr) return false;
    expiries_.erase({entry->expiresAtMs, entry->callId});
    releaseSlotsLocked(entry->callId);
    entry->dueAtMs = dueAtMs;
    entry->token.clear();
    const EntryPtr& owner = entries_.at(std::string_view(entry->callId));
    if (dueAtMs > latestNowMs_) {
      placeDelayed(owner);
    } else {
      placeWaiting(owner);
    }
    return true;
  }

  Result<void> releaseSlots(std::string_view callId) override {
    std::lock_guard lock(mutex_);
    releaseSlotsLocked(std::string(callId));
    return {};
  }

  Result<void> holdSlots(std::span<const api::QueueJob> jobs) override {
    std::lock_guard lock(mutex_);
    for (const api::QueueJob& job : jobs) {
      if (job.callId.empty()) return makeError(ErrorCode::kInvalid, "jobs[].callId: empty");
      if (slotHolders_.contains(job.callId)) continue;
      auto keys = std::make_shared<const std::vector<std::string>>(job.pacingKeys);
      pacing_.hold(*keys);
      slotHolders_.emplace(job.callId, std::move(keys));
    }
    return {};
  }

  Result<std::vector<std::string>> recoverExpired(int64_t nowMs, int max) override {
    if (max <= 0) return makeError(ErrorCode::kInvalid, "max: must be positive");
    std::lock_guard lock(mutex_);
    std::vector<std::string> recovered;
    while (!expiries_.empty() && static_cast<int>(recovered.size()) < max) {
      auto [expiresAtMs, callId] = *expiries_.begin();
      if (expiresAtMs >= nowMs) break;
      expiries_.erase(expiries_.begin());
      auto found = entries_.find(callId);
      if (found != entries_.end()) {
        found->second->state = EntryState::kRemoved;
        ++found->second->epoch;
        entries_.erase(found);
      }
      releaseSlotsLocked(callId);
      recovered.push_back(callId);
    }
    return recovered;
  }

  Result<void> setPacingLimits(std::span<const api::PacingLimit> limits) override {
    for (std::size_t i = 0; i < limits.size(); ++i) {
      const api::PacingLimit& limit = limits[i];
      std::string field = "limits[" + std::to_string(i) + "].";
      if (limit.key.empty()) return makeError(ErrorCode::kInvalid, field + "key: empty");
      if (limit.maxConcurrent < 0 || limit.perSecond < 0 || limit.burst < 0) {
        return makeError(ErrorCode::kInvalid, field + "maxConcurrent/perSecond/burst: negative");
      }
    }
    std::lock_guard lock(mutex_);
    for (const api::PacingLimit& limit : limits) pacing_.setLimit(limit);
    return {};
  }

  Result<void> throttle(std::string_view pacingKey, int64_t untilMs) override {
    if (pacingKey.empty()) return makeError(ErrorCode::kInvalid, "pacingKey: empty");
    std::lock_guard lock(mutex_);
    pacing_.throttle(std::string(pacingKey), untilMs);
    return {};
  }

  Result<void> pauseCampaign(std::string_view campaignId) override {
    return setPaused(campaignId, true);
  }
  Result<void> resumeCampaign(std::string_view campaignId) override {
    return setPaused(campaignId, false);
  }

  Result<int64_t> cancelCampaign(std::string_view campaignId, int max) override {
    if (campaignId.empty()) return makeError(ErrorCode::kInvalid, "campaignId: empty");
    if (max <= 0) return makeError(ErrorCode::kInvalid, "max: must be positive");
    std::lock_guard lock(mutex_);
    int64_t removed = 0;
    auto nodes = campaignNodes_.find(std::string(campaignId));
    if (nodes == campaignNodes_.end()) return removed;
    auto remove = [&](Entry& entry) {
      std::string callId = entry.callId;
      unplace(entry);
      entry.state = EntryState::kRemoved;
      entries_.erase(callId);
      ++removed;
    };
    for (auto [lane, node] : nodes->second) {
      // Waiting jobs from the front of each stream, then delayed ones.
      for (auto& [keys, stream] : node->streams) {
        while (stream->live > 0 && removed < max) {
          EntryRef ref = stream->jobs.front();
          stream->jobs.pop_front();
          if (ref.live()) remove(*ref.entry);
        }
      }
      while (!node->delayedMembers.empty() && removed < max) remove(**node->delayedMembers.begin());
    }
    return removed;
  }

  Result<api::SlotHolderPage> slotHolders(std::string_view cursor, int count) override {
    if (count <= 0) return makeError(ErrorCode::kInvalid, "count: must be positive");
    std::lock_guard lock(mutex_);
    // In id order from the cursor (the last id of the previous page).
    std::vector<std::string> ids;
    for (const auto& [id, keys] : slotHolders_) {
      if (id > cursor) ids.push_back(id);
    }
    std::sort(ids.begin(), ids.end());
    api::SlotHolderPage page;
    if (ids.size() > static_cast<std::size_t>(count)) {
      ids.resize(static_cast<std::size_t>(count));
      page.cursor = ids.back();
    }
    page.callIds = std::move(ids);
    return page;
  }

  Result<api::QueueCounts> counts() override {
    std::lock_guard lock(mutex_);
    api::QueueCounts counts;
    counts.active = static_cast<int64_t>(expiries_.size());
    counts.slotsHeld = static_cast<int64_t>(slotHolders_.size());
    auto add = [&counts](const CampaignNode& node) {
      if (node.paused) {
        counts.paused += node.waiting + node.delayed;
        return;
      }
      counts.waiting += node.waiting;
      counts.delayed += node.delayed;
      if (node.waiting == 0) return;
      counts.waitingByWorkspace[node.workspace->id] += node.waiting;
      if (!node.id.empty()) counts.waitingByCampaign[node.id] += node.waiting;
    };
    for (const LaneRotation& lane : lanes_) lane.forEachCampaign(add);
    return counts;
  }

 private:
  LaneRotation& rotation(api::Lane lane) { return lanes_[lane == api::Lane::kPriority ? 0 : 1]; }

  // A new entry for `job`, indexed by its call id (the key views the entry's own copy).
  const EntryPtr& addEntry(const api::QueueJob& job, Stream& stream) {
    auto entry = std::make_shared<Entry>();
    entry->callId = job.callId;
    entry->lane = job.lane;
    entry->dueAtMs = job.dueAtMs;
    entry->stream = &stream;  // the stream holds the workspace, campaign and pacing keys
    const std::string_view key = entry->callId;
    return entries_.emplace(key, std::move(entry)).first->second;
  }

  Stream& streamFor(const api::QueueJob& job) {
    bool paused = !job.campaignId.empty() && pausedCampaigns_.contains(job.campaignId);
    CampaignNode& campaign = rotation(job.lane).campaign(job.workspaceId, job.campaignId, paused);
    if (campaign.streams.empty() && !job.campaignId.empty()) {
      campaignNodes_[job.campaignId].emplace_back(job.lane, &campaign);
    }
    auto& stream = campaign.streams[joinKeys(job.pacingKeys)];
    if (!stream) {
      stream = std::make_unique<Stream>();
      stream->campaign = &campaign;
      stream->keys = job.pacingKeys;
      // A key named twice counts once.
      std::sort(stream->keys.begin(), stream->keys.end());
      stream->keys.erase(std::unique(stream->keys.begin(), stream->keys.end()), stream->keys.end());
    }
    return *stream;
  }

  static bool sameStream(const api::QueueJob& a, const api::QueueJob& b) {
    return a.lane == b.lane && a.workspaceId == b.workspaceId && a.campaignId == b.campaignId &&
           a.pacingKeys == b.pacingKeys;
  }

  void placeWaiting(const EntryPtr& entry) {
    Stream& stream = *entry->stream;
    entry->state = EntryState::kWaiting;
    stream.jobs.push_back({entry, ++entry->epoch});
    ++stream.live;
    ++stream.campaign->waiting;
    if (stream.place == Stream::Place::kIdle) rotation(entry->lane).activate(stream);
  }

  void placeDelayed(const EntryPtr& entry) {
    entry->state = EntryState::kDelayed;
    delayed_.push({entry->dueAtMs, {entry, ++entry->epoch}});
    ++entry->stream->campaign->delayed;
    entry->stream->campaign->delayedMembers.insert(entry.get());
  }

  // Takes a waiting or delayed entry out of its structures (the references go stale).
  void unplace(Entry& entry) {
    Stream& stream = *entry.stream;
    CampaignNode& campaign = *stream.campaign;
    ++entry.epoch;
    if (entry.state == EntryState::kDelayed) {
      campaign.delayedMembers.erase(&entry);
      --campaign.delayed;
      return;
    }
    --campaign.waiting;
    if (--stream.live > 0) return;
    stream.jobs.clear();
    if (stream.place == Stream::Place::kRing) rotation(entry.lane).detach(stream);
    if (stream.place == Stream::Place::kParked) pacing_.unpark(stream, entry.lane);
    pacing_.settleCredit(stream);
  }

  void promoteDue(int64_t nowMs) {
    for (std::size_t promoted = 0; promoted < kPromotionsPerClaim && !delayed_.empty();) {
      if (delayed_.top().dueAtMs > nowMs) break;
      EntryRef ref = delayed_.top().ref;
      delayed_.pop();
      if (!ref.live()) continue;
      unplace(*ref.entry);
      placeWaiting(ref.entry);
      ++promoted;
    }
  }

  void claimFromLane(api::Lane lane, const api::ClaimRequest& request,
                     std::vector<api::Lease>& leases) {
    LaneRotation& ring = rotation(lane);
    // Each visit either leases a job or parks a stream, so this bounds the work per claim.
    int visits = 4 * request.maxJobs + 64;
    while (static_cast<int>(leases.size()) < request.maxJobs && visits-- > 0) {
      Stream* stream = ring.next();
      if (stream == nullptr) return;
      while (!stream->jobs.front().live()) stream->jobs.pop_front();
      if (auto key = pacing_.blockingKey(stream->keys, request.nowMs)) {
        ring.detach(*stream);
        pacing_.settleCredit(*stream);
        pacing_.park(*stream, *key, lane, request.nowMs);
        continue;
      }
      EntryPtr entry = stream->jobs.front().entry;
      stream->jobs.pop_front();
      pacing_.settleCredit(*stream);
      unplace(*entry);
      leases.push_back(lease(entry, request.nowMs, request.leaseMs));
    }
  }

  api::Lease lease(const EntryPtr& entry, int64_t nowMs, int64_t leaseMs) {
    entry->state = EntryState::kActive;
    ++entry->epoch;
    entry->token = newToken();
    entry->expiresAtMs = nowMs + leaseMs;
    expiries_.emplace(entry->expiresAtMs, entry->callId);
    // A call never holds two sets of slots: a stale holding is given back first.
    releaseSlotsLocked(entry->callId);
    pacing_.take(entry->stream->keys, nowMs);
    // Streams live as long as the queue: the holding points at the stream's keys, owning nothing.
    slotHolders_[entry->callId] = std::shared_ptr<const std::vector<std::string>>(
        std::shared_ptr<void>(), &entry->stream->keys);
    return {entry->callId,       entry->token, entry->workspaceId(),
            entry->campaignId(), entry->lane,  entry->expiresAtMs};
  }

  Entry* leased(std::string_view callId, std::string_view token) {
    auto found = entries_.find(callId);
    if (found == entries_.end()) return nullptr;
    Entry* entry = found->second.get();
    if (entry->state != EntryState::kActive || entry->token != token) return nullptr;
    return entry;
  }

  void releaseSlotsLocked(const std::string& callId) {
    auto found = slotHolders_.find(callId);
    if (found == slotHolders_.end()) return;
    pacing_.release(*found->second);
    slotHolders_.erase(found);
  }

  Result<void> setPaused(std::string_view campaignId, bool paused) {
    if (campaignId.empty()) return makeError(ErrorCode::kInvalid, "campaignId: empty");
    std::lock_guard lock(mutex_);
    std::string id(campaignId);
    if (paused) {
      pausedCampaigns_.insert(id);
    } else {
      pausedCampaigns_.erase(id);
    }
    auto nodes = campaignNodes_.find(id);
    if (nodes == campaignNodes_.end()) return {};
    // One node per lane and workspace the campaign has jobs in: O(1) in the number of jobs.
    for (auto [lane, node] : nodes->second) {
      if (paused) {
        rotation(lane).pause(*node);
        for (auto& [keys, stream] : node->streams) pacing_.settleCredit(*stream);
      } else {
        rotation(lane).resume(*node);
      }
    }
    return {};
  }

  std::string newToken() {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string token(32, '0');
    for (int half = 0; half < 2; ++half) {
      uint64_t bits = random_();
      for (int i = 0; i < 16; ++i) token[half * 16 + i] = kHex[(bits >> (i * 4)) & 0xF];
    }
    return token;
  }

  std::mutex mutex_;
  std::unordered_map<std::string_view, EntryPtr> entries_;  // keys view Entry::callId
  LaneRotation lanes_[2];                                   // priority, bulk
  PacingBook pacing_;
  std::priority_queue<DelayedRef, std::vector<DelayedRef>, std::greater<>> delayed_;
  std::set<std::pair<int64_t, std::string>> expiries_;
  // The keys whose slots the call holds: its stream's (claimed here) or its own (holdSlots).
  std::unordered_map<std::string, std::shared_ptr<const std::vector<std::string>>> slotHolders_;
  std::unordered_set<std::string> pausedCampaigns_;
  std::unordered_map<std::string, std::vector<std::pair<api::Lane, CampaignNode*>>> campaignNodes_;
  int64_t latestNowMs_ = 0;
  std::mt19937_64 random_{std::random_device{}()};
};

}  // namespace

std::unique_ptr<api::CallQueue> makeMemoryQueue() {
  return std::make_unique<MemoryQueue>();
}

}  // namespace vo::queue_memory
