#include <chrono>

#include "vo/core/SystemTimeSource.h"

namespace vo::core {

TimeSource::~TimeSource() = default;

int64_t SystemTimeSource::nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TimeSource& systemTime() {
  static SystemTimeSource clock;
  return clock;
}

}  // namespace vo::core
