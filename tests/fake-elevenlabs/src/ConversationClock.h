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

namespace vo::fake_elevenlabs {

// Ends conversations when their time is up and sends their signed post-call webhooks from
// `webhookSenders` threads, each posting one webhook at a time over its own kept-alive
// connection: the slot frees when the call ends, before its webhook goes out, as it does at
// ElevenLabs.
class ConversationClock {
 public:
  explicit ConversationClock(FakeRegistry& registry);
  ~ConversationClock();
  ConversationClock(const ConversationClock&) = delete;
  ConversationClock& operator=(const ConversationClock&) = delete;

  void schedule(const std::string& conversationId, int64_t endAtSteadyMs);
  void stop();

 private:
  // One sender's connection to the webhook URL.
  struct WebhookSession {
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    std::string authority;
  };

  void run();
  void send();
  void deliver(const Conversation& conversation, WebhookSession& session);
  static int post(WebhookSession& session, const std::string& url, const std::string& body,
                  const std::string& signature);

  FakeRegistry& registry_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::multimap<int64_t, std::string> due_;
  std::deque<Conversation> ended_;  // webhooks waiting for a sender
  bool stopping_ = false;
  std::thread thread_;
  std::vector<std::thread> senders_;
};

int64_t steadyMillis();
int64_t unixSeconds();

}  // namespace vo::fake_elevenlabs
