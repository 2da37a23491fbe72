#pragma once

#include <span>
#include <string>

namespace vo::queue_redis {

// One server-side script: every queue state change is exactly one of these, run atomically.
struct LuaScript {
  const char* name;
  const char* body;  // appended to the shared prelude
};

// Functions every script shares (key layout, rings, streams, pacing). KEYS[1] is the prefix.
const char* luaPrelude();
std::span<const LuaScript> luaScripts();

}  // namespace vo::queue_redis
