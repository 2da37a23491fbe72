#pragma once

#include <spdlog/logger.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "vo/api/CallStore.h"
#include "vo/api/WebhookStore.h"
#include "vo/core/AppConfig.h"
#include "vo/core/TimeSource.h"
#include "webhooks/WebhookPoster.h"

namespace vo::core::webhooks {

// Sends the outbox's due deliveries (docs/webhooks.md): `concurrency` threads (vo-webhook-N),
// none of them a dispatch thread, each claiming a few due deliveries under a lease (so several
// instances sharing the store share the work), POSTing them signed, and recording each attempt:
// a 2xx delivers, anything else is retried with backoff (planRetry) until retryForMs has passed.
// The first thread also purges finished deliveries older than keepFinishedMs.
class WebhookWorker {
 public:
  // `jitter` draws in [0, 1); the default is a real random source.
  WebhookWorker(const WebhooksConfig& config, api::CallStore& store, TimeSource& clock,
                std::unique_ptr<WebhookPoster> poster, spdlog::logger& logger,
                std::function<double()> jitter = {});
  ~WebhookWorker();
  WebhookWorker(const WebhookWorker&) = delete;
  WebhookWorker& operator=(const WebhookWorker&) = delete;

  // Starts the threads; nothing when the store keeps no outbox.
  void start();
  // Stops and joins them; a POST in flight finishes first (at most timeoutMs).
  void stop();

  // Claims up to `limit` due deliveries and sends each; answers how many it sent (the threads'
  // step, called directly by tests).
  int deliverDue(int limit);
  // The body of a delivery's POST: {"id", "type", "createdAt", "data": the call as GET
  // /calls/{id} shows it now, or null when it has been purged}.
  std::string eventBody(const api::WebhookDelivery& delivery);

 private:
  void run(int index);
  void send(const api::DueDelivery& due);
  void purgeFinished();

  const WebhooksConfig config_;
  api::CallStore& store_;
  api::WebhookStore* outbox_;
  TimeSource& clock_;
  std::unique_ptr<WebhookPoster> poster_;
  spdlog::logger& logger_;
  std::function<double()> jitter_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
  int64_t lastPurgeMs_ = 0;  // the first thread's alone
};

}  // namespace vo::core::webhooks
