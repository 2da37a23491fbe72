#include "PacingBook.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace vo::queue_memory {
namespace {

constexpr int64_t kUnlimited = std::numeric_limits<int64_t>::max();
// Floating point refills may land a hair under a whole token.
constexpr double kTokenEpsilon = 1e-9;

int laneIndex(api::Lane lane) {
  return lane == api::Lane::kPriority ? 0 : 1;
}

double bucketSize(const api::PacingLimit& limit) {
  if (limit.burst > 0) return limit.burst;
  return std::max(1.0, std::floor(limit.perSecond));
}

}  // namespace

void PacingBook::refill(KeyState& state, int64_t nowMs) {
  if (state.limit.perSecond <= 0) return;
  if (!state.primed) {
    state.tokens = bucketSize(state.limit);
    state.refilledAtMs = nowMs;
    state.primed = true;
    return;
  }
  // Workers' clocks may disagree slightly; time never runs backwards for the bucket.
  if (nowMs <= state.refilledAtMs) return;
  double earned = static_cast<double>(nowMs - state.refilledAtMs) * state.limit.perSecond / 1000.0;
  state.tokens = std::min(bucketSize(state.limit), state.tokens + earned);
  state.refilledAtMs = nowMs;
}

PacingBook::Room PacingBook::room(KeyState& state, int64_t nowMs) {
  if (state.throttledUntilMs > nowMs) return {0, state.throttledUntilMs};
  int64_t count = kUnlimited;
  if (state.limit.maxConcurrent > 0) {
    count = std::max<int64_t>(0, state.limit.maxConcurrent - state.inUse);
    if (count == 0) return {0, 0};
  }
  if (state.limit.perSecond > 0) {
    refill(state, nowMs);
    auto whole = static_cast<int64_t>(std::floor(state.tokens + kTokenEpsilon));
    if (whole <= 0) {
      double missing = 1.0 - state.tokens;
      auto waitMs = static_cast<int64_t>(std::ceil(missing * 1000.0 / state.limit.perSecond));
      return {0, state.refilledAtMs + std::max<int64_t>(1, waitMs)};
    }
    count = std::min(count, whole);
  }
  return {count, 0};
}

std::optional<std::string> PacingBook::blockingKey(const std::vector<std::string>& keys,
                                                   int64_t nowMs) {
  for (const std::string& key : keys) {
    auto found = keys_.find(key);
    if (found == keys_.end()) continue;
    if (room(found->second, nowMs).count <= 0) return key;
  }
  return std::nullopt;
}

void PacingBook::take(const std::vector<std::string>& keys, int64_t nowMs) {
  for (const std::string& key : keys) {
    KeyState& state = keys_[key];
    ++state.inUse;
    if (state.limit.perSecond > 0) {
      refill(state, nowMs);
      state.tokens = std::max(0.0, state.tokens - 1.0);
    }
  }
}

void PacingBook::hold(const std::vector<std::string>& keys) {
  for (const std::string& key : keys) ++keys_[key].inUse;
}

void PacingBook::release(const std::vector<std::string>& keys) {
  for (const std::string& key : keys) {
    auto found = keys_.find(key);
    if (found == keys_.end() || found->second.inUse == 0) continue;
    --found->second.inUse;
    dirty_.insert(key);
  }
}

void PacingBook::park(Stream& stream, const std::string& key, api::Lane lane, int64_t nowMs) {
  KeyState& state = keys_[key];
  auto& parked = state.parked[laneIndex(lane)];
  stream.slot = parked.insert(parked.end(), &stream);
  stream.place = Stream::Place::kParked;
  stream.parkedOn = key;
  Room now = room(state, nowMs);
  if (now.count <= 0 && now.freesAtMs > 0) schedule(key, state, now.freesAtMs);
}

void PacingBook::unpark(Stream& stream, api::Lane lane) {
  KeyState& state = keys_[stream.parkedOn];
  state.parked[laneIndex(lane)].erase(stream.slot);
  stream.place = Stream::Place::kIdle;
  stream.parkedOn.clear();
}

void PacingBook::settleCredit(Stream& stream) {
  if (stream.creditKey.empty()) return;
  auto found = keys_.find(stream.creditKey);
  if (found != keys_.end() && found->second.credits > 0) --found->second.credits;
  dirty_.insert(stream.creditKey);
  stream.creditKey.clear();
}

std::vector<std::pair<Stream*, api::Lane>> PacingBook::wake(int64_t nowMs, std::size_t max) {
  while (!timers_.empty() && timers_.top().first <= nowMs) {
    auto [atMs, key] = timers_.top();
    timers_.pop();
    KeyState& state = keys_[key];
    if (state.wakeAtMs != atMs) continue;  // superseded by an earlier timer
    state.wakeAtMs = 0;
    dirty_.insert(key);
  }
  std::vector<std::pair<Stream*, api::Lane>> woken;
  for (auto it = dirty_.begin(); it != dirty_.end() && woken.size() < max;) {
    KeyState& state = keys_[*it];
    Room now = room(state, nowMs);
    if (now.count <= 0 && now.freesAtMs > 0) schedule(*it, state, now.freesAtMs);
    int64_t wanted = now.count == kUnlimited ? kUnlimited : now.count - state.credits;
    for (int lane = 0; lane < 2; ++lane) {
      auto& parked = state.parked[lane];
      while (wanted > 0 && !parked.empty() && woken.size() < max) {
        Stream* stream = parked.front();
        parked.pop_front();
        stream->place = Stream::Place::kIdle;
        stream->parkedOn.clear();
        // A paused campaign's stream goes back to its (idle) ring without taking the room.
        if (!stream->campaign->paused) {
          stream->creditKey = *it;
          ++state.credits;
          if (wanted != kUnlimited) --wanted;
        }
        woken.emplace_back(stream, lane == 0 ? api::Lane::kPriority : api::Lane::kBulk);
      }
    }
    bool more = wanted > 0 && (!state.parked[0].empty() || !state.parked[1].empty());
    it = more ? std::next(it) : dirty_.erase(it);
  }
  return woken;
}

void PacingBook::setLimit(const api::PacingLimit& limit) {
  KeyState& state = keys_[limit.key];
  state.limit = limit;
  if (state.primed) state.tokens = std::min(state.tokens, bucketSize(limit));
  state.primed = state.primed && limit.perSecond > 0;
  dirty_.insert(limit.key);
}

void PacingBook::throttle(const std::string& key, int64_t untilMs) {
  KeyState& state = keys_[key];
  state.throttledUntilMs = std::max(state.throttledUntilMs, untilMs);
  dirty_.insert(key);
}

void PacingBook::schedule(const std::string& key, KeyState& state, int64_t atMs) {
  if (state.wakeAtMs != 0 && state.wakeAtMs <= atMs) return;
  state.wakeAtMs = atMs;
  timers_.emplace(atMs, key);
}

}  // namespace vo::queue_memory
