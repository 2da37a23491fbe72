#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "vo/core/SystemTimeSource.h"

namespace vo::core::http {

// ULID-like ids: 26 Crockford base32 characters, 48 bits of milliseconds then 80 random bits.
// Strictly increasing within the process, even within one millisecond or when the clock steps
// back (the random part is incremented instead), so keyset pagination by id follows creation.
class CallIdGenerator {
 public:
  static constexpr std::size_t kLength = 26;

  explicit CallIdGenerator(TimeSource& clock = systemTime());
  // Thread-safe.
  std::string next();
  std::string nextAt(int64_t epochMs);  // for tests: a given clock reading

 private:
  TimeSource& clock_;
  std::mutex mutex_;
  int64_t lastMs_ = -1;
  uint64_t randomHigh_ = 0;  // 16 bits used
  uint64_t randomLow_ = 0;
  uint64_t seed_[2];
};

}  // namespace vo::core::http
