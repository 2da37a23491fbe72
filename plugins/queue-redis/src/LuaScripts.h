#pragma once

#include <span>
#include <string>

namespace vo::queue_redis {

// One server-side script: every queue state change is exactly one of these, run atomically.
struct LuaScript {
  const char* name;
  const char* body;  // defines run(); goes between the prelude and the epilogue
};

// Functions every script shares (key layout, rings, streams, pacing). KEYS[1] is the prefix.
const char* luaPrelude();
std::span<const LuaScript> luaScripts();
// Runs the body's run() and writes the counters it summed.
const char* luaEpilogue();

}  // namespace vo::queue_redis
