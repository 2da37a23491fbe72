#include "vo/core/Metrics.h"

#include <charconv>
#include <system_error>

namespace vo::core {

Histogram::Histogram(std::vector<double> upperBounds)
    : bounds_(std::move(upperBounds)),
      buckets_(std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1)) {}

void Histogram::observe(double value) {
  std::size_t index = 0;
  while (index < bounds_.size() && value > bounds_[index]) ++index;
  buckets_[index].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  const double micros = value < 0 ? 0 : value * 1e6;
  sumMicros_.fetch_add(static_cast<uint64_t>(micros), std::memory_order_relaxed);
}

uint64_t Histogram::bucketCount(std::size_t index) const {
  uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= index && i <= bounds_.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
  }
  return cumulative;
}

double Histogram::sum() const {
  return static_cast<double>(sumMicros_.load(std::memory_order_relaxed)) / 1e6;
}

struct Metrics::Family {
  std::string name;
  std::string help;
  bool isHistogram = false;
  std::vector<std::pair<std::string, std::unique_ptr<Counter>>> counters;
  std::vector<std::pair<std::string, std::unique_ptr<Histogram>>> histograms;
};

namespace {

template <typename Families>
auto* findOrAddFamily(Families& families, const std::string& name, const std::string& help,
                      bool isHistogram) {
  for (auto& family : families) {
    if (family->name == name) return family.get();
  }
  auto family = std::make_unique<typename Families::value_type::element_type>();
  family->name = name;
  family->help = help;
  family->isHistogram = isHistogram;
  families.push_back(std::move(family));
  return families.back().get();
}

std::string withLabels(const std::string& labels, const std::string& extra = "") {
  std::string all = labels;
  if (!extra.empty()) all += all.empty() ? extra : "," + extra;
  return all.empty() ? "" : "{" + all + "}";
}

// The shortest text that reads back as the same double: le="0.0025", not the 17 digits
// ("0.0025000000000000001") that printf's %.17g gives.
std::string formatNumber(double value) {
  char buffer[64];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  if (error != std::errc()) return "NaN";  // 64 characters hold any double
  return std::string(buffer, end);
}

}  // namespace

Metrics::Metrics(std::size_t maxLabelSets) : perAgent_(maxLabelSets) {}
Metrics::~Metrics() = default;

Counter& Metrics::counter(const std::string& name, const std::string& help,
                          const std::string& labels) {
  std::lock_guard lock(mutex_);
  auto* family = findOrAddFamily(families_, name, help, false);
  for (auto& [existingLabels, counter] : family->counters) {
    if (existingLabels == labels) return *counter;
  }
  family->counters.emplace_back(labels, std::make_unique<Counter>());
  return *family->counters.back().second;
}

Histogram& Metrics::histogram(const std::string& name, const std::string& help,
                              std::vector<double> upperBounds, const std::string& labels) {
  std::lock_guard lock(mutex_);
  auto* family = findOrAddFamily(families_, name, help, true);
  for (auto& [existingLabels, histogram] : family->histograms) {
    if (existingLabels == labels) return *histogram;
  }
  family->histograms.emplace_back(labels, std::make_unique<Histogram>(std::move(upperBounds)));
  return *family->histograms.back().second;
}

void Metrics::addCollector(std::function<void(std::string& out)> collector) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collector));
}

std::string Metrics::render() const {
  std::string out;
  std::vector<std::function<void(std::string&)>> collectors;
  {
    std::lock_guard lock(mutex_);
    for (const auto& family : families_) {
      out += "# HELP " + family->name + " " + family->help + "\n";
      out += "# TYPE " + family->name + (family->isHistogram ? " histogram\n" : " counter\n");
      for (const auto& [labels, counter] : family->counters) {
        out += family->name + withLabels(labels) + " " + std::to_string(counter->value()) + "\n";
      }
      for (const auto& [labels, histogram] : family->histograms) {
        const auto& bounds = histogram->upperBounds();
        for (std::size_t i = 0; i < bounds.size(); ++i) {
          out += family->name + "_bucket" +
                 withLabels(labels, "le=\"" + formatNumber(bounds[i]) + "\"") + " " +
                 std::to_string(histogram->bucketCount(i)) + "\n";
        }
        out += family->name + "_bucket" + withLabels(labels, "le=\"+Inf\"") + " " +
               std::to_string(histogram->count()) + "\n";
        out += family->name + "_sum" + withLabels(labels) + " " + formatNumber(histogram->sum()) +
               "\n";
        out += family->name + "_count" + withLabels(labels) + " " +
               std::to_string(histogram->count()) + "\n";
      }
    }
    collectors = collectors_;
  }
  perAgent_.render(out);
  for (const auto& collect : collectors) collect(out);
  return out;
}

}  // namespace vo::core
