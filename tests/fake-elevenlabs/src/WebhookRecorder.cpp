#include "WebhookRecorder.h"

#include <algorithm>

namespace vo::fake_elevenlabs {
namespace {

DurationSummary summarize(std::vector<int64_t> micros) {
  DurationSummary summary;
  summary.count = static_cast<int64_t>(micros.size());
  if (micros.empty()) return summary;
  std::sort(micros.begin(), micros.end());
  const auto at = [&](double fraction) {
    const auto index = static_cast<std::size_t>(fraction * static_cast<double>(micros.size()));
    return static_cast<double>(micros[std::min(micros.size() - 1, index)]) / 1000.0;
  };
  summary.p50Ms = at(0.50);
  summary.p99Ms = at(0.99);
  summary.maxMs = static_cast<double>(micros.back()) / 1000.0;
  return summary;
}

}  // namespace

void WebhookRecorder::recordAttempt(int status, bool timedOut, int64_t answerUs) {
  std::lock_guard lock(mutex_);
  ++counts_.attempts;
  if (status == 0) {
    ++(timedOut ? counts_.noAnswer : counts_.connectionFailures);
    return;
  }
  if (status >= 200 && status < 300) {
    ++counts_.answered2xx;
  } else {
    ++counts_.answeredOther;
  }
  answerUs_.push_back(answerUs);
}

void WebhookRecorder::recordFirstSend(int64_t lagUs) {
  std::lock_guard lock(mutex_);
  lagUs_.push_back(lagUs);
}

void WebhookRecorder::recordDeliveryOver() {
  std::lock_guard lock(mutex_);
  ++counts_.deliveries;
}

WebhookStats WebhookRecorder::stats(int64_t pending) const {
  std::vector<int64_t> answers;
  std::vector<int64_t> lags;
  WebhookStats stats;
  {
    std::lock_guard lock(mutex_);
    stats = counts_;
    answers = answerUs_;
    lags = lagUs_;
  }
  // Sorted outside the lock: the senders keep recording meanwhile.
  stats.pending = pending;
  stats.answer = summarize(std::move(answers));
  stats.lag = summarize(std::move(lags));
  return stats;
}

}  // namespace vo::fake_elevenlabs
