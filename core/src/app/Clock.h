#pragma once

#include <chrono>
#include <cstdint>

namespace vo::core {

// Milliseconds since the Unix epoch, the time base of every store and queue call.
inline int64_t wallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace vo::core
