#include "FakeRegistry.h"

#include <algorithm>
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
  {
    std::lock_guard lock(mutex_);
    auto& queue = lookup ? lookupFaults_ : callFaults_;
    if (!queue.empty()) {
      Fault fault = queue.front();
      queue.pop_front();
      return fault;
    }
  }
  if (lookup) return std::nullopt;
  return chaos_.nextDialFault();
}

void FakeRegistry::record(RecordedRequest request) {
  std::lock_guard lock(mutex_);
  requests_.push_back(std::move(request));
}

namespace {

bool endsWith(const std::string& text, const std::string& suffix) {
  return !suffix.empty() && text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A phase's length: the option, or a fifth of the call when it is -1; never beyond the call.
int64_t phaseMs(int64_t optionMs, int64_t callMs) {
  return std::clamp<int64_t>(optionMs < 0 ? callMs / 5 : optionMs, 0, std::max<int64_t>(callMs, 0));
}

}  // namespace

CallOutcome FakeRegistry::outcomeOf(const std::string& toNumber, uint64_t sequence) const {
  if (const auto chosen = outcomeByNumber_.find(toNumber); chosen != outcomeByNumber_.end()) {
    return chosen->second;
  }
  if (endsWith(toNumber, options_.busySuffix)) return CallOutcome::kBusy;
  if (endsWith(toNumber, options_.noAnswerSuffix)) return CallOutcome::kNoAnswer;
  // 37 is prime to 100: of every 100 calls in a row, each bucket 0..99 comes up once, spread.
  const auto bucket = static_cast<int>((sequence * 37) % 100);
  if (bucket < options_.busyPercent) return CallOutcome::kBusy;
  if (bucket < options_.busyPercent + options_.noAnswerPercent) return CallOutcome::kNoAnswer;
  return defaultOutcome_;
}

std::optional<Conversation> FakeRegistry::admit(AcceptedCall call, const std::string& telephony,
                                                int64_t nowSecs, int64_t nowSteadyMs) {
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
  conversation.outcome = outcomeOf(call.toNumber, sequence_);
  conversation.sequence = sequence_;
  // Start times never go back (the list's order is the admission order), even if the clock does.
  latestStartSecs_ = std::max(latestStartSecs_, nowSecs);
  conversation.startedAtSecs = latestStartSecs_;
  if (telephony != "sip_trunk") conversation.streamSid = "MZ" + hexId(sequence_ + 13, 32);
  conversation.agentName = options_.agentName;
  conversation.agentNumber = options_.agentNumber;
  const int64_t callMs = std::max<int64_t>(options_.callDurationMs, 0);
  conversation.endsAtMs = nowSteadyMs + callMs;
  conversation.ringingUntilMs = nowSteadyMs + phaseMs(options_.ringingMs, callMs);
  conversation.talkingUntilMs = std::max(
      conversation.ringingUntilMs, conversation.endsAtMs - phaseMs(options_.processingMs, callMs));
  const auto stored = conversations_.emplace(call.conversationId, conversation).first;
  index_.add(stored->second);
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

ConversationListPage FakeRegistry::list(const ConversationFilter& filter) const {
  std::lock_guard lock(mutex_);
  const ConversationIndex::Page page = index_.page(filter);
  ConversationListPage listed;
  listed.hasMore = page.hasMore;
  listed.conversations.reserve(page.newestFirst.size());
  for (const Conversation* conversation : page.newestFirst) {
    listed.conversations.push_back(*conversation);
  }
  return listed;
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
