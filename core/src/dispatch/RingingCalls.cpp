#include "dispatch/RingingCalls.h"

namespace vo::core::dispatch {

void RingingCalls::add(std::vector<std::pair<std::string, AgentRow*>> calls) {
  if (calls.empty()) return;
  std::lock_guard lock(mutex_);
  if (rows_.size() + calls.size() > kMax) rows_.clear();
  for (auto& [callId, row] : calls) rows_.insert_or_assign(std::move(callId), row);
}

std::vector<AgentRow*> RingingCalls::take(std::span<const std::string> callIds) {
  std::vector<AgentRow*> rows(callIds.size(), nullptr);
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < callIds.size(); ++i) {
    auto found = rows_.find(callIds[i]);
    if (found == rows_.end()) continue;
    rows[i] = found->second;
    rows_.erase(found);
  }
  return rows;
}

std::size_t RingingCalls::size() {
  std::lock_guard lock(mutex_);
  return rows_.size();
}

}  // namespace vo::core::dispatch
