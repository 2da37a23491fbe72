#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "vo/api/Call.h"
#include "vo/api/VoiceProvider.h"

namespace vo::core {

// The counters of one (workspace, agent) pair: calls by the final status they reached, and
// dials by the provider's answer. Its address never changes, so a caller that found it counts
// on it with atomics alone.
class AgentRow {
 public:
  // Counts a call that reached `status`; statuses that are not final, and `unknown` (a call
  // may leave it once reconciled, and would be counted twice), are not counted.
  void finished(api::CallStatus status, uint64_t by = 1);
  static bool counts(api::CallStatus status) {
    return api::isFinal(status) && status != api::CallStatus::kUnknown;
  }
  void dialed(api::DialOutcome outcome);
  uint64_t finishedCount(api::CallStatus status) const;
  uint64_t dialedCount(api::DialOutcome outcome) const;

 private:
  static constexpr std::size_t kStatuses = std::size(api::kAllCallStatuses);
  static constexpr std::size_t kOutcomes = 4;
  std::array<std::atomic<uint64_t>, kStatuses> finished_{};
  std::array<std::atomic<uint64_t>, kOutcomes> dialed_{};
};

// Counters by workspace and agent, per process, rendered as vo_calls_finished_total and
// vo_dial_outcomes_total. The label sets are bounded: past `maxLabelSets` distinct pairs, new
// pairs count under workspace="other",agent="other", so a flood of tenants cannot grow the
// scrape (or this process) without limit. Finding a pair's row takes a short lock and, once the
// pair exists, no allocation; counting on the row takes none.
class AgentCounters {
 public:
  static constexpr std::size_t kDefaultMaxLabelSets = 1000;
  static constexpr std::string_view kOther = "other";

  explicit AgentCounters(std::size_t maxLabelSets = kDefaultMaxLabelSets);
  AgentCounters(const AgentCounters&) = delete;
  AgentCounters& operator=(const AgentCounters&) = delete;

  AgentRow& row(std::string_view workspace, std::string_view agent);
  // The row of workspace="other",agent="other" (also for calls whose labels are not known);
  // rendered once it was handed out.
  AgentRow& other();
  std::size_t labelSets() const;
  // Appends both families (# HELP, # TYPE, one line per pair and label value).
  void render(std::string& out) const;

 private:
  struct Entry {
    std::string workspace;
    std::string agent;
    AgentRow row;
  };
  using Key = std::pair<std::string_view, std::string_view>;  // views into an Entry
  struct KeyHash {
    std::size_t operator()(const Key& key) const;
  };

  const std::size_t maxLabelSets_;
  mutable std::mutex mutex_;
  std::deque<Entry> entries_;  // push_back keeps the addresses of the entries already there
  std::unordered_map<Key, AgentRow*, KeyHash> rows_;
  AgentRow other_;
  bool otherUsed_ = false;
};

}  // namespace vo::core
