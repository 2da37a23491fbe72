#pragma once

#include <string_view>

namespace vo::core {

// Workspace ids the code gives a meaning of its own: "admin" is the admin key's idempotency
// scope, and "default" named the operator's shared provider account in pacing keys. The API and
// the config refuse them as workspace ids, so no tenant can share those scopes.
inline bool isReservedWorkspaceId(std::string_view id) {
  return id == "admin" || id == "default";
}

}  // namespace vo::core
