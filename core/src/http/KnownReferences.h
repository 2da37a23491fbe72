#pragma once

#include <cstddef>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_set>

namespace vo::core::http {

// Workspace, agent and phone-number triples already found in the store. Tenants are never
// deleted (see the schema's migrations), so a triple seen once stays valid: a call's references
// are read from the store the first time only, not three reads on every priority call. Only
// what exists is remembered; past `capacity` triples it starts over, to stay small.
class KnownReferences {
 public:
  explicit KnownReferences(std::size_t capacity = 10000) : capacity_(capacity) {}

  bool contains(std::string_view workspaceId, std::string_view agentId,
                std::string_view phoneNumberId) const;
  void add(std::string_view workspaceId, std::string_view agentId, std::string_view phoneNumberId);

 private:
  static std::string keyOf(std::string_view workspaceId, std::string_view agentId,
                           std::string_view phoneNumberId);

  const std::size_t capacity_;
  mutable std::shared_mutex mutex_;
  std::unordered_set<std::string> known_;
};

}  // namespace vo::core::http
