#include "Figures.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace vo::bench {

Percentiles percentiles(std::vector<double> values) {
  Percentiles result;
  result.count = values.size();
  if (values.empty()) return result;
  std::sort(values.begin(), values.end());
  const auto at = [&](double p) {
    return values[std::min(values.size() - 1,
                           static_cast<std::size_t>(p * static_cast<double>(values.size())))];
  };
  result.p50 = at(0.50);
  result.p99 = at(0.99);
  result.max = values.back();
  return result;
}

int64_t unixMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void Figures::add(const std::string& name, double value) {
  if (path_.empty()) return;
  if (FILE* file = std::fopen(path_.c_str(), "a")) {
    std::fprintf(file, "%s %.3f\n", name.c_str(), value);
    std::fclose(file);
  }
}

void Figures::add(const std::string& prefix, const Percentiles& values) {
  add(prefix + "_p50", values.p50);
  add(prefix + "_p99", values.p99);
  add(prefix + "_max", values.max);
}

}  // namespace vo::bench
