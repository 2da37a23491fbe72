#pragma once

#include <atomic>
#include <cstdint>

#include "vo/core/TimeSource.h"

namespace vo::testing {

// A clock the test sets: it follows the real clock (plus any advance) until frozen, so tests
// that wait for retries still see time pass, and tests that check times can pin it.
class FakeTimeSource final : public core::TimeSource {
 public:
  int64_t nowMs() override;
  void freezeAt(int64_t ms);
  void advance(int64_t ms);

 private:
  std::atomic<bool> frozen_ = false;
  std::atomic<int64_t> frozenAtMs_ = 0;
  std::atomic<int64_t> offsetMs_ = 0;
};

}  // namespace vo::testing
