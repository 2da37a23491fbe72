#pragma once

#include <cstdint>
#include <deque>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "vo/api/CallQueue.h"

namespace vo::queue_memory {

enum class EntryState { kWaiting, kDelayed, kActive, kRemoved };

struct Stream;

// One call in the queue. Indexes (stream deques, the delayed heap) hold references stamped with
// the entry's epoch; every move bumps it, so a stale reference is recognised and skipped instead
// of being searched for and erased. Kept small, as a backlog holds one per queued call: the
// workspace, campaign and pacing keys are its stream's (see workspaceId(), campaignId()).
struct Entry {
  std::string callId;
  api::Lane lane = api::Lane::kBulk;
  int64_t dueAtMs = 0;
  EntryState state = EntryState::kRemoved;
  uint64_t epoch = 0;
  Stream* stream = nullptr;
  std::string token;
  int64_t expiresAtMs = 0;

  const std::string& workspaceId() const;
  const std::string& campaignId() const;
};
using EntryPtr = std::shared_ptr<Entry>;

struct EntryRef {
  EntryPtr entry;
  uint64_t epoch = 0;
  bool live() const { return entry->epoch == epoch; }
};

struct CampaignNode;
struct WorkspaceNode;

// The jobs of one campaign that count against the same pacing keys, in FIFO order. Pacing
// blocks whole streams (parked on the full key), so a full limit costs O(1) per stream, not a
// rescan of every job behind it.
struct Stream {
  enum class Place { kIdle, kRing, kParked };
  CampaignNode* campaign = nullptr;
  std::vector<std::string> keys;
  std::deque<EntryRef> jobs;
  int64_t live = 0;  // live references in `jobs`
  Place place = Place::kIdle;
  std::list<Stream*>::iterator slot;  // position in the campaign's ring or a key's parked list
  std::string parkedOn;
  std::string creditKey;  // the key that woke this stream and counts it as a pending taker
};

struct CampaignNode {
  std::string id;
  WorkspaceNode* workspace = nullptr;
  bool paused = false;
  bool inRing = false;
  std::list<Stream*> ring;  // streams with due jobs that are not parked
  std::list<CampaignNode*>::iterator slot;
  std::map<std::string, std::unique_ptr<Stream>> streams;  // by joined pacing keys
  std::unordered_set<Entry*> delayedMembers;  // for cancel (waiting ones are in the streams)
  int64_t waiting = 0;
  int64_t delayed = 0;
};

struct WorkspaceNode {
  std::string id;
  bool inRing = false;
  std::list<CampaignNode*> ring;  // campaigns with a stream in their ring, not paused
  std::list<WorkspaceNode*>::iterator slot;
  std::map<std::string, std::unique_ptr<CampaignNode>> campaigns;
};

inline const std::string& Entry::workspaceId() const {
  return stream->campaign->workspace->id;
}
inline const std::string& Entry::campaignId() const {
  return stream->campaign->id;
}

}  // namespace vo::queue_memory
