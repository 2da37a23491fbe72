#include "webhooks/WebhookWorker.h"

#include <random>
#include <string>

#include "http/Encoding.h"
#include "http/IsoTime.h"
#include "http/JsonWriter.h"
#include "support/ThreadName.h"
#include "webhooks/DeliveryBackoff.h"
#include "webhooks/WebhookSignature.h"

namespace vo::core::webhooks {

namespace {

constexpr int kClaimBatch = 4;
constexpr auto kIdleWait = std::chrono::milliseconds(250);
constexpr int64_t kPurgeEveryMs = 60000;
constexpr int kPurgePage = 1000;
// A claimed delivery is leased for its POST's timeout and this margin: an instance that dies
// mid-send leaves it due again soon after.
constexpr int64_t kLeaseMarginMs = 30000;

std::function<double()> randomJitter() {
  return [engine = std::make_shared<std::mt19937_64>(std::random_device{}()),
          mutex = std::make_shared<std::mutex>()] {
    std::lock_guard lock(*mutex);
    return std::uniform_real_distribution<double>(0.0, 1.0)(*engine);
  };
}

}  // namespace

WebhookWorker::WebhookWorker(const WebhooksConfig& config, api::CallStore& store, TimeSource& clock,
                             std::unique_ptr<WebhookPoster> poster, spdlog::logger& logger,
                             std::function<double()> jitter)
    : config_(config),
      store_(store),
      outbox_(store.webhooks()),
      clock_(clock),
      poster_(std::move(poster)),
      logger_(logger),
      jitter_(jitter ? std::move(jitter) : randomJitter()) {}

WebhookWorker::~WebhookWorker() {
  stop();
}

void WebhookWorker::start() {
  if (outbox_ == nullptr || !threads_.empty()) return;
  for (int i = 0; i < config_.concurrency; ++i) threads_.emplace_back([this, i] { run(i); });
}

void WebhookWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
}

void WebhookWorker::run(int index) {
  const std::string name = "vo-webhook-" + std::to_string(index);
  nameThisThread(name.c_str());
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    if (index == 0) purgeFinished();
    if (deliverDue(kClaimBatch) > 0) continue;
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, kIdleWait, [this] { return stopping_; });
  }
}

int WebhookWorker::deliverDue(int limit) {
  if (outbox_ == nullptr) return 0;
  auto claimed =
      outbox_->claimDueDeliveries(clock_.nowMs(), config_.timeoutMs + kLeaseMarginMs, limit);
  if (!claimed) {
    logger_.warn("webhooks: claiming due deliveries failed: {}", claimed.error().message);
    return 0;
  }
  for (const api::DueDelivery& due : claimed.value()) send(due);
  return static_cast<int>(claimed->size());
}

std::string WebhookWorker::eventBody(const api::WebhookDelivery& delivery) {
  std::string body;
  http::JsonWriter writer(body);
  writer.beginObject()
      .key("id")
      .string(delivery.id)
      .key("type")
      .string(delivery.eventType)
      .key("createdAt")
      .string(http::formatIsoMs(delivery.createdAtMs))
      .key("data");
  auto call = store_.getCall(delivery.subjectId);
  if (call) {
    http::writeCall(writer, call.value());
  } else {
    writer.null();
  }
  writer.endObject();
  return body;
}

void WebhookWorker::send(const api::DueDelivery& due) {
  const api::WebhookDelivery& delivery = due.delivery;
  const std::string body = eventBody(delivery);
  const int64_t startedMs = clock_.nowMs();
  const PostAnswer answer =
      poster_->post(due.url,
                    {{"VO-Signature", webhookSignature(due.secret, startedMs / 1000, body)},
                     {"VO-Event-Id", delivery.id}},
                    body, config_.timeoutMs);
  const int64_t endedMs = clock_.nowMs();
  api::DeliveryOutcome outcome;
  outcome.attempt = {delivery.id,         delivery.attempts + 1, startedMs,
                     endedMs - startedMs, answer.httpStatus,     answer.error};
  if (answer.httpStatus >= 200 && answer.httpStatus < 300) {
    outcome.state = api::DeliveryState::kDelivered;
  } else {
    const RetryPlan plan = planRetry(delivery.attempts + 1, delivery.createdAtMs, endedMs,
                                     config_.retryForMs, config_.firstRetryMs, jitter_());
    outcome.state = plan.state;
    outcome.nextAttemptAtMs = plan.nextAttemptAtMs;
  }
  if (auto recorded = outbox_->recordDeliveryAttempt(outcome); !recorded) {
    // The lease runs out and the delivery is sent again: at least once, as promised.
    logger_.warn("webhooks: recording attempt of {} failed: {}", delivery.id,
                 recorded.error().message);
  }
}

void WebhookWorker::purgeFinished() {
  const int64_t now = clock_.nowMs();
  if (now - lastPurgeMs_ < kPurgeEveryMs) return;
  lastPurgeMs_ = now;
  auto purged = outbox_->purgeDeliveries(now - config_.keepFinishedMs, kPurgePage);
  if (!purged)
    logger_.warn("webhooks: purging finished deliveries failed: {}", purged.error().message);
}

}  // namespace vo::core::webhooks
