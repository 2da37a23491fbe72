#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "FakeRegistry.h"
#include "WebhookRecorder.h"

namespace vo::fake_elevenlabs {

// One signed post-call webhook to deliver.
struct OutgoingWebhook {
  std::string url;  // http://host:port/path
  std::string body;
  std::string signature;        // the ElevenLabs-Signature header
  WebhookDelivery delivery;     // conversation id and event type; attempts and status are set here
  int64_t endedAtSteadyUs = 0;  // when its conversation ended (for the lag)
};

// Sends webhooks as ElevenLabs does: up to `connections` at once, each on its own kept-alive
// connection, every attempt answered within 10 s or counted as no answer, retried after
// 100 ms x attempt on no answer or a 5xx, 5 attempts in all. One epoll thread does it all, so
// the fake costs the cores it shares with the service little. Every attempt goes to `recorder`
// and the registry's answer counts; `onOver` runs (on the sender's thread) once a webhook is
// delivered or given up.
class WebhookSender {
 public:
  WebhookSender(int connections, FakeRegistry& registry, WebhookRecorder& recorder,
                std::function<void()> onOver);
  ~WebhookSender();
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;

  // Thread-safe; the webhooks go together, with one wake-up of the sender.
  void sendAll(std::vector<OutgoingWebhook> webhooks);
  // Ends the thread; webhooks not delivered yet are dropped. Idempotent.
  void stop();

 private:
  struct Loop;
  std::unique_ptr<Loop> loop_;
};

}  // namespace vo::fake_elevenlabs
