#pragma once

#include <chrono>
#include <functional>

namespace vo::testing {

// Polls `predicate` until it returns true or `timeout` passes; returns its last answer. A bound
// on waiting, never an assertion on how long something took.
bool waitUntil(const std::function<bool()>& predicate,
               std::chrono::milliseconds timeout = std::chrono::seconds(60),
               std::chrono::milliseconds interval = std::chrono::milliseconds(20));

}  // namespace vo::testing
