#pragma once

#include <cstdint>
#include <list>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "Model.h"

namespace vo::queue_memory {

// Pacing state per key: concurrent slots in use, a token bucket, a throttle, and the streams
// parked because the key had no room. A key that may have room again (a slot released, its
// bucket refilled, its throttle over, its limit raised) is "dirty"; wake() hands back up to its
// room in parked streams, so a release costs O(1) streams, not a rescan of everything behind it.
class PacingBook {
 public:
  // The first of `keys` with no room for one more call at nowMs, if any.
  std::optional<std::string> blockingKey(const std::vector<std::string>& keys, int64_t nowMs);
  // A call was claimed: one slot and one token of each key.
  void take(const std::vector<std::string>& keys, int64_t nowMs);
  // A slot of each key for a call already dialing (the queue's holdSlots): no token.
  void hold(const std::vector<std::string>& keys);
  void release(const std::vector<std::string>& keys);
  void park(Stream& stream, const std::string& key, api::Lane lane, int64_t nowMs);
  // Takes a parked stream off its key's list (its last job left).
  void unpark(Stream& stream, api::Lane lane);
  // The woken stream was claimed from, parked again, emptied or paused: its key may wake
  // another.
  void settleCredit(Stream& stream);
  // Streams to put back in rotation: due timers and dirty keys, at most `max` streams.
  std::vector<std::pair<Stream*, api::Lane>> wake(int64_t nowMs, std::size_t max);
  void setLimit(const api::PacingLimit& limit);
  void throttle(const std::string& key, int64_t untilMs);

 private:
  struct KeyState {
    api::PacingLimit limit;
    int64_t inUse = 0;
    double tokens = 0;
    int64_t refilledAtMs = 0;
    bool primed = false;
    int64_t throttledUntilMs = 0;
    int64_t wakeAtMs = 0;          // 0: no timer
    int64_t credits = 0;           // woken streams not yet settled
    std::list<Stream*> parked[2];  // by lane, priority first
  };
  struct Room {
    int64_t count = 0;
    int64_t freesAtMs = 0;  // when count > 0 by time alone; 0: on a release
  };
  using Timer = std::pair<int64_t, std::string>;

  Room room(KeyState& state, int64_t nowMs);
  void refill(KeyState& state, int64_t nowMs);
  void schedule(const std::string& key, KeyState& state, int64_t atMs);

  std::unordered_map<std::string, KeyState> keys_;
  std::unordered_set<std::string> dirty_;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
};

}  // namespace vo::queue_memory
