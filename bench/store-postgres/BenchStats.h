#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace vo::bench {

// Latencies of one measured operation, in microseconds.
class LatencySample {
 public:
  void add(std::chrono::steady_clock::duration elapsed);
  void merge(const LatencySample& other);
  std::size_t count() const { return micros_.size(); }
  // "n=500 p50=0.21 ms p99=0.83 ms max=2.10 ms"
  std::string summary();

 private:
  std::vector<double> micros_;
};

// Seconds since `start`, for one-off timings.
double secondsSince(std::chrono::steady_clock::time_point start);

}  // namespace vo::bench
