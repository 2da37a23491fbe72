#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vo::bench {

struct Percentiles {
  std::size_t count = 0;
  double p50 = 0;
  double p99 = 0;
  double max = 0;
};

Percentiles percentiles(std::vector<double> values);

int64_t unixMicros();  // CLOCK_REALTIME: comparable with the fake's receive times

// The figures of one run as "<name> <value>" lines appended to a file (none without a path),
// for bench/production/run.sh to put in its table.
class Figures {
 public:
  explicit Figures(std::string path) : path_(std::move(path)) {}
  void add(const std::string& name, double value);
  void add(const std::string& prefix, const Percentiles& values);  // <prefix>_p50 ... _max

 private:
  std::string path_;
};

}  // namespace vo::bench
