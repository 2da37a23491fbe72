#include "BenchStats.h"

#include <algorithm>
#include <cstdio>

namespace vo::bench {

void LatencySample::add(std::chrono::steady_clock::duration elapsed) {
  micros_.push_back(std::chrono::duration<double, std::micro>(elapsed).count());
}

void LatencySample::merge(const LatencySample& other) {
  micros_.insert(micros_.end(), other.micros_.begin(), other.micros_.end());
}

std::string LatencySample::summary() {
  if (micros_.empty()) return "n=0";
  std::sort(micros_.begin(), micros_.end());
  const auto at = [&](double quantile) {
    const std::size_t index = static_cast<std::size_t>(quantile * (micros_.size() - 1));
    return micros_[index] / 1000.0;
  };
  char text[160];
  std::snprintf(text, sizeof text, "n=%zu p50=%.3f ms p99=%.3f ms max=%.3f ms", micros_.size(),
                at(0.5), at(0.99), micros_.back() / 1000.0);
  return text;
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace vo::bench
