#include "http/CallIdGenerator.h"

#include <random>

#include "http/IsoTime.h"

namespace vo::core::http {

namespace {

constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr uint64_t kHighMask = 0xFFFF;

// xorshift128+: fast, seeded from the OS; ids need uniqueness, not secrecy.
uint64_t nextRandom(uint64_t (&state)[2]) {
  uint64_t s1 = state[0];
  const uint64_t s0 = state[1];
  state[0] = s0;
  s1 ^= s1 << 23;
  state[1] = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26);
  return state[1] + s0;
}

}  // namespace

CallIdGenerator::CallIdGenerator(TimeSource& clock) : clock_(clock) {
  std::random_device device;
  seed_[0] = (static_cast<uint64_t>(device()) << 32) | device();
  seed_[1] = (static_cast<uint64_t>(device()) << 32) | device() | 1;
}

std::string CallIdGenerator::next() {
  return nextAt(clock_.nowMs());
}

std::string CallIdGenerator::nextAt(int64_t epochMs) {
  int64_t timeMs = 0;
  uint64_t high = 0;
  uint64_t low = 0;
  {
    std::lock_guard lock(mutex_);
    if (epochMs > lastMs_) {
      lastMs_ = epochMs;
      // Keep the top random bit clear so increments within a millisecond cannot overflow.
      randomHigh_ = nextRandom(seed_) & (kHighMask >> 1);
      randomLow_ = nextRandom(seed_);
    } else if (++randomLow_ == 0 && ++randomHigh_ > kHighMask) {
      // 2^79 ids in one millisecond: borrow the next millisecond.
      ++lastMs_;
      randomHigh_ = 0;
    }
    timeMs = lastMs_;
    high = randomHigh_;
    low = randomLow_;
  }
  std::string id(kLength, '0');
  // 10 characters of time (50 bits, top 2 zero), then 16 of randomness (80 bits).
  auto time = static_cast<uint64_t>(timeMs);
  for (int i = 9; i >= 0; --i) {
    id[i] = kCrockford[time & 31];
    time >>= 5;
  }
  for (int i = 25; i >= 10; --i) {
    id[i] = kCrockford[low & 31];
    low = (low >> 5) | ((high & 31) << 59);
    high >>= 5;
  }
  return id;
}

}  // namespace vo::core::http
