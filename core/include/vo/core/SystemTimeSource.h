#pragma once

#include "vo/core/TimeSource.h"

namespace vo::core {

// The real clock: the system's wall clock.
class SystemTimeSource final : public TimeSource {
 public:
  int64_t nowMs() override;
};

// One for the whole process, for code that has nothing to inject it through.
TimeSource& systemTime();

}  // namespace vo::core
