#pragma once

// The project's own Prometheus exposition (text format 0.0.4). Issue 12 asks for a well-kept
// Prometheus library unless a measured reason says otherwise. Debian 12 does package one:
// prometheus-cpp 1.0.1 (`prometheus-cpp-dev`; `libprometheus-cpp-dev` is not its name), whose
// -dev package also pulls civetweb, libcurl and zlib for its pull and push parts, which Poco's
// server and this exposition make unnecessary. Nothing was measured for or against it; the
// exposition was kept because it already served /metrics, and what it needs stays small:
// counters, fixed histograms, collectors run at scrape time, and bounded counters by workspace
// and agent (AgentCounters.h). Moving to prometheus-cpp's core library is an open choice.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "vo/core/AgentCounters.h"

namespace vo::core {

class Counter {
 public:
  void increment(uint64_t by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// Fixed buckets, lock-free observe.
class Histogram {
 public:
  explicit Histogram(std::vector<double> upperBounds);
  void observe(double value);
  const std::vector<double>& upperBounds() const { return bounds_; }
  uint64_t bucketCount(std::size_t index) const;  // cumulative count for bounds_[index]
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // non-cumulative per bucket
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sumMicros_{0};
};

// A registry of counters and histograms rendered in Prometheus text format. Metrics are
// created once (at start) and then updated from any thread without locks. Gauges that come
// from plugins (calls by status, queue depth) are collected at scrape time by collectors.
class Metrics {
 public:
  // `maxLabelSets`: distinct (workspace, agent) pairs of perAgent() (metrics.maxLabelSets).
  explicit Metrics(std::size_t maxLabelSets = AgentCounters::kDefaultMaxLabelSets);
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // `labels` is the Prometheus label set without braces, e.g. outcome="accepted".
  Counter& counter(const std::string& name, const std::string& help,
                   const std::string& labels = "");
  Histogram& histogram(const std::string& name, const std::string& help,
                       std::vector<double> upperBounds, const std::string& labels = "");
  // Calls finished and dial outcomes by workspace and agent, rendered after the families.
  AgentCounters& perAgent() { return perAgent_; }
  // A collector appends complete exposition lines (with # HELP/# TYPE) at scrape time.
  void addCollector(std::function<void(std::string& out)> collector);
  std::string render() const;

 private:
  struct Family;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Family>> families_;
  std::vector<std::function<void(std::string&)>> collectors_;
  AgentCounters perAgent_;
};

}  // namespace vo::core
