#include "http/KnownReferences.h"

#include <mutex>

namespace vo::core::http {

std::string KnownReferences::keyOf(std::string_view workspaceId, std::string_view agentId,
                                   std::string_view phoneNumberId) {
  // Ids never hold NUL (the API refuses them), so it separates the three unambiguously.
  std::string key;
  key.reserve(workspaceId.size() + agentId.size() + phoneNumberId.size() + 2);
  key.append(workspaceId).push_back('\0');
  key.append(agentId).push_back('\0');
  key.append(phoneNumberId);
  return key;
}

bool KnownReferences::contains(std::string_view workspaceId, std::string_view agentId,
                               std::string_view phoneNumberId) const {
  const std::string key = keyOf(workspaceId, agentId, phoneNumberId);
  std::shared_lock lock(mutex_);
  return known_.count(key) != 0;
}

void KnownReferences::add(std::string_view workspaceId, std::string_view agentId,
                          std::string_view phoneNumberId) {
  std::string key = keyOf(workspaceId, agentId, phoneNumberId);
  std::unique_lock lock(mutex_);
  if (known_.size() >= capacity_) known_.clear();
  known_.insert(std::move(key));
}

}  // namespace vo::core::http
