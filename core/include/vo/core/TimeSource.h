#pragma once

#include <cstdint>

namespace vo::core {

// Where the core reads the time, so tests can set it (after Envoy's TimeSource). Every store and
// queue call takes its times from here; waits on condition variables keep the steady clock.
class TimeSource {
 public:
  virtual ~TimeSource();
  // Milliseconds since the Unix epoch.
  virtual int64_t nowMs() = 0;
};

}  // namespace vo::core
