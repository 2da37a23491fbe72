#pragma once

#include <Poco/Net/HTTPClientSession.h>

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "FakeRegistry.h"
#include "WebhookRecorder.h"

namespace vo::fake_elevenlabs {

// Ends conversations when their time is up and sends their signed post-call webhooks from
// `webhookSenders` threads (one: one at a time, in order): the slot frees when the call ends,
// before its webhook goes out, as it does at ElevenLabs.
class ConversationClock {
 public:
  ConversationClock(FakeRegistry& registry, int webhookSenders);
  ~ConversationClock();
  ConversationClock(const ConversationClock&) = delete;
  ConversationClock& operator=(const ConversationClock&) = delete;

  void schedule(const std::string& conversationId, int64_t endAtSteadyMs);
  void stop();
  WebhookStats webhookStats() const;

 private:
  struct Ended {
    Conversation conversation;
    int64_t endedAtSteadyUs = 0;
  };
  // One sender's kept-alive connection to the webhook URL.
  struct Connection {
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    std::string authority;
  };

  void run();
  void sendLoop();
  void deliver(const Ended& ended, Connection& connection);
  // The answer's status; 0 when none came, with `timedOut` telling whether the wait ran out.
  int post(Connection& connection, const std::string& url, const std::string& body,
           const std::string& signature, bool& timedOut);

  FakeRegistry& registry_;
  WebhookRecorder recorder_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;         // the timer: a new due time, or stop
  std::condition_variable sendersWake_;  // the senders: an ended conversation, or stop
  std::multimap<int64_t, std::string> due_;
  std::deque<Ended> ended_;
  bool stopping_ = false;
  int64_t scheduled_ = 0;
  int64_t finished_ = 0;  // ended with their webhook sent, refused, given up or not needed
  std::thread thread_;
  std::vector<std::thread> senders_;
};

int64_t steadyMillis();
int64_t unixSeconds();

}  // namespace vo::fake_elevenlabs
