#pragma once

#include <Poco/Net/HTTPClientSession.h>

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "FakeRegistry.h"

namespace vo::fake_elevenlabs {

// Ends conversations when their time is up and sends their signed post-call webhooks, one at a
// time, from its own thread: the slot frees when the call ends, before its webhook goes out,
// as it does at ElevenLabs.
class ConversationClock {
 public:
  explicit ConversationClock(FakeRegistry& registry);
  ~ConversationClock();
  ConversationClock(const ConversationClock&) = delete;
  ConversationClock& operator=(const ConversationClock&) = delete;

  void schedule(const std::string& conversationId, int64_t endAtSteadyMs);
  void stop();

 private:
  void run();
  void deliver(const Conversation& conversation);
  int post(const std::string& url, const std::string& body, const std::string& signature);

  FakeRegistry& registry_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::multimap<int64_t, std::string> due_;
  bool stopping_ = false;
  std::unique_ptr<Poco::Net::HTTPClientSession> session_;  // to the webhook URL, kept alive
  std::string sessionAuthority_;
  std::thread thread_;
};

int64_t steadyMillis();
int64_t unixSeconds();

}  // namespace vo::fake_elevenlabs
