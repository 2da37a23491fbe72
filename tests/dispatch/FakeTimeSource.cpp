#include "FakeTimeSource.h"

#include "vo/core/SystemTimeSource.h"

namespace vo::testing {

int64_t FakeTimeSource::nowMs() {
  if (frozen_) return frozenAtMs_;
  return core::systemTime().nowMs() + offsetMs_;
}

void FakeTimeSource::freezeAt(int64_t ms) {
  frozenAtMs_ = ms;
  frozen_ = true;
}

void FakeTimeSource::advance(int64_t ms) {
  frozenAtMs_ += ms;
  offsetMs_ += ms;
}

}  // namespace vo::testing
