#pragma once

#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ChaosDice.h"
#include "Conversation.h"
#include "ConversationIndex.h"
#include "vo/fake_elevenlabs/FakeElevenLabs.h"

namespace vo::fake_elevenlabs {

// A list page: copies of the conversations, newest first, and whether older ones match too.
struct ConversationListPage {
  std::vector<Conversation> conversations;
  bool hasMore = false;
};

// Everything the fake knows, behind one mutex: settings that tests change while it runs, the
// injected faults, what it recorded, the live conversations and the concurrency count.
class FakeRegistry {
 public:
  explicit FakeRegistry(FakeOptions options)
      : options_(std::move(options)), chaos_(options_.chaos) {}

  FakeOptions options() const;
  void update(const std::function<void(FakeOptions&)>& change);
  void setOutcome(std::optional<std::string> toNumber, CallOutcome outcome);
  void addFaults(const std::vector<Fault>& faults, bool lookups);
  // The next injected fault; for a call without one, what FakeChaos draws.
  std::optional<Fault> takeFault(bool lookup);
  WebhookFate webhookFate() { return chaos_.nextWebhookFate(); }

  void record(RecordedRequest request);
  // Admits a call within maxConcurrentCalls: the new conversation (its outcome chosen, its
  // phases timed from `nowSteadyMs`), or nullopt (429).
  std::optional<Conversation> admit(AcceptedCall call, const std::string& telephony,
                                    int64_t nowSecs, int64_t nowSteadyMs);
  // Marks the conversation over and frees its concurrency slot; nullopt if already over.
  std::optional<Conversation> end(const std::string& conversationId);
  std::optional<Conversation> find(const std::string& conversationId) const;
  ConversationListPage list(const ConversationFilter& filter) const;
  void recordDelivery(WebhookDelivery delivery);
  // One webhook POST's answer: its HTTP status, 0 when none came.
  void countWebhookAnswer(int httpStatus);

  std::vector<AcceptedCall> accepted() const;
  std::vector<AcceptedCall> acceptedFrom(std::size_t first) const;
  std::size_t acceptedCount() const;
  std::vector<RecordedRequest> requests() const;
  std::vector<WebhookDelivery> deliveries() const;
  WebhookAnswerCounts webhookAnswerCounts() const;
  int active() const;
  int peak() const;
  int64_t rejections() const;

 private:
  mutable std::mutex mutex_;
  FakeOptions options_;
  ChaosDice chaos_;  // its own lock
  CallOutcome defaultOutcome_ = CallOutcome::kCompleted;
  std::map<std::string, CallOutcome> outcomeByNumber_;
  std::deque<Fault> callFaults_;
  std::deque<Fault> lookupFaults_;
  std::vector<RecordedRequest> requests_;
  std::vector<AcceptedCall> accepted_;
  std::unordered_map<std::string, Conversation> conversations_;
  ConversationIndex index_;
  int64_t latestStartSecs_ = 0;
  std::vector<WebhookDelivery> deliveries_;
  WebhookAnswerCounts webhookAnswers_;
  int active_ = 0;
  int peak_ = 0;
  int64_t rejections_ = 0;
  uint64_t sequence_ = 0;

  CallOutcome outcomeOf(const std::string& toNumber, uint64_t sequence) const;  // under mutex_
};

}  // namespace vo::fake_elevenlabs
