#include "FakeRegistry.h"

#include <cstdio>

namespace vo::fake_elevenlabs {
namespace {

// Ids shaped like the real ones: conv_<hex>, CA<32 hex> for Twilio, a UUID-like SIP call id.
std::string hexId(uint64_t sequence, size_t width) {
  char text[40];
  std::snprintf(text, sizeof text, "%0*llx", static_cast<int>(width),
                static_cast<unsigned long long>(sequence * 2654435761ULL + sequence));
  return text;
}

}  // namespace

FakeOptions FakeRegistry::options() const {
  std::lock_guard lock(mutex_);
  return options_;
}

void FakeRegistry::update(const std::function<void(FakeOptions&)>& change) {
  std::lock_guard lock(mutex_);
  change(options_);
}

void FakeRegistry::setOutcome(std::optional<std::string> toNumber, CallOutcome outcome) {
  std::lock_guard lock(mutex_);
  if (toNumber) {
    outcomeByNumber_[*toNumber] = outcome;
  } else {
    defaultOutcome_ = outcome;
  }
}

void FakeRegistry::addFaults(const std::vector<Fault>& faults, bool lookups) {
  std::lock_guard lock(mutex_);
  auto& queue = lookups ? lookupFaults_ : callFaults_;
  queue.insert(queue.end(), faults.begin(), faults.end());
}

std::optional<Fault> FakeRegistry::takeFault(bool lookup) {
  std::lock_guard lock(mutex_);
  auto& queue = lookup ? lookupFaults_ : callFaults_;
  if (queue.empty()) return std::nullopt;
  Fault fault = queue.front();
  queue.pop_front();
  return fault;
}

void FakeRegistry::record(RecordedRequest request) {
  std::lock_guard lock(mutex_);
  requests_.push_back(std::move(request));
}

std::optional<Conversation> FakeRegistry::admit(AcceptedCall call, const std::string& telephony,
                                                int64_t nowSecs) {
  std::lock_guard lock(mutex_);
  if (options_.maxConcurrentCalls > 0 && active_ >= options_.maxConcurrentCalls) {
    ++rejections_;
    return std::nullopt;
  }
  ++sequence_;
  call.conversationId = "conv_" + hexId(sequence_, 24);
  call.telephonyCallId = telephony == "sip_trunk"
                             ? "sip-" + hexId(sequence_, 8) + "-" + hexId(sequence_ + 7, 12)
                             : "CA" + hexId(sequence_, 32);
  Conversation conversation;
  conversation.call = call;
  conversation.telephony = telephony;
  const auto chosen = outcomeByNumber_.find(call.toNumber);
  conversation.outcome = chosen == outcomeByNumber_.end() ? defaultOutcome_ : chosen->second;
  conversation.startedAtSecs = nowSecs;
  conversations_[call.conversationId] = conversation;
  accepted_.push_back(std::move(call));
  peak_ = std::max(peak_, ++active_);
  return conversation;
}

std::optional<Conversation> FakeRegistry::end(const std::string& conversationId) {
  std::lock_guard lock(mutex_);
  auto found = conversations_.find(conversationId);
  if (found == conversations_.end() || found->second.ended) return std::nullopt;
  found->second.ended = true;
  --active_;
  return found->second;
}

std::optional<Conversation> FakeRegistry::find(const std::string& conversationId) const {
  std::lock_guard lock(mutex_);
  auto found = conversations_.find(conversationId);
  if (found == conversations_.end()) return std::nullopt;
  return found->second;
}

void FakeRegistry::recordDelivery(WebhookDelivery delivery) {
  std::lock_guard lock(mutex_);
  deliveries_.push_back(std::move(delivery));
}

void FakeRegistry::countWebhookAnswer(int httpStatus) {
  std::lock_guard lock(mutex_);
  ++webhookAnswers_.posts;
  if (httpStatus == 0) {
    ++webhookAnswers_.unanswered;
  } else if (httpStatus < 200 || httpStatus > 299) {
    ++webhookAnswers_.non2xx;
  }
}

std::vector<AcceptedCall> FakeRegistry::accepted() const {
  std::lock_guard lock(mutex_);
  return accepted_;
}

std::vector<AcceptedCall> FakeRegistry::acceptedFrom(std::size_t first) const {
  std::lock_guard lock(mutex_);
  if (first >= accepted_.size()) return {};
  return {accepted_.begin() + static_cast<std::ptrdiff_t>(first), accepted_.end()};
}

std::size_t FakeRegistry::acceptedCount() const {
  std::lock_guard lock(mutex_);
  return accepted_.size();
}

std::vector<RecordedRequest> FakeRegistry::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::vector<WebhookDelivery> FakeRegistry::deliveries() const {
  std::lock_guard lock(mutex_);
  return deliveries_;
}

WebhookAnswerCounts FakeRegistry::webhookAnswerCounts() const {
  std::lock_guard lock(mutex_);
  return webhookAnswers_;
}

int FakeRegistry::active() const {
  std::lock_guard lock(mutex_);
  return active_;
}

int FakeRegistry::peak() const {
  std::lock_guard lock(mutex_);
  return peak_;
}

int64_t FakeRegistry::rejections() const {
  std::lock_guard lock(mutex_);
  return rejections_;
}

}  // namespace vo::fake_elevenlabs
