#include <chrono>
#include <memory>
#include <optional>
#include <thread>

#include "CallRecord.h"
#include "DialTimer.h"
#include "EndScheduler.h"
#include "Outcomes.h"
#include "vo/simulator/Simulator.h"

namespace vo::simulator {

namespace {

class SimulatorProvider final : public api::VoiceProvider {
 public:
  SimulatorProvider(const SimulatorConfig& config, api::CallEventSink& events)
      : config_(config),
        record_(config.recordFile.empty() ? nullptr
                                          : std::make_unique<CallRecord>(config.recordFile)),
        ends_([this, &events](std::span<const api::CallEvent> ended) {
          if (record_) {
            for (const api::CallEvent& event : ended) {
              record_->recordEnd(event.atMs, event.providerCallId, event.status);
            }
          }
          events.publish(ended);
        }) {}

  api::DialResult dial(const api::DialRequest& request) override {
    StartedDial started = start(request);
    if (started.latencyMs > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(started.latencyMs));
    }
    finish(started);
    return std::move(started.result);
  }

  void dialAsync(const api::DialRequest& request, api::DialDone done) override {
    StartedDial started = start(request);
    const int64_t answerAtMs = epochMs() + started.latencyMs;
    dialTimer_.at(answerAtMs,
                  [this, started = std::move(started), done = std::move(done)]() mutable {
                    finish(started);
                    done(std::move(started.result));
                  });
  }

  api::WebhookResponse handleWebhook(const api::WebhookRequest&) override {
    api::WebhookResponse response;
    response.httpStatus = 404;
    response.body =
        R"({"error":{"code":"not_found","message":"the simulator has no webhooks","details":{}}})";
    return response;
  }

  api::LookupResult lookup(const api::LookupRequest& request) override {
    const api::Call& call = request.call;
    api::LookupResult result;
    std::string providerCallId = call.providerCallId;
    if (providerCallId.empty()) {
      if (!record_) {
        result.message = "the simulator remembers calls only with a recordFile";
        return result;  // kUnsupported
      }
      auto placed = record_->placedCall(call.id);
      if (!placed) {
        result.outcome = api::LookupOutcome::kNotPlaced;
        result.message = "never placed";
        return result;
      }
      providerCallId = *placed;
    }
    auto parsed = parseProviderCallId(providerCallId);
    if (!parsed) {
      result.message = "not a simulator call id: " + providerCallId;
      return result;  // kUnsupported
    }
    const DialPlan plan = planDial(config_, parsed->callId, parsed->attempt);
    result.event = endEvent(parsed->callId, providerCallId, plan, parsed->placedAtMs);
    result.outcome = result.event.atMs <= epochMs() ? api::LookupOutcome::kFinal
                                                    : api::LookupOutcome::kInProgress;
    return result;
  }

  api::ComponentHealth health() override { return {true, "simulated calls"}; }

 private:
  // A dial from its request to the answer the provider gives after its latency.
  struct StartedDial {
    int64_t latencyMs = 0;
    api::DialResult result;
    std::optional<api::CallEvent> end;  // placed: how and when the call ends
  };

  StartedDial start(const api::DialRequest& request) {
    const api::Call& call = request.call;
    const int attempt = std::max(1, call.attempts);
    const DialPlan plan = planDial(config_, call.id, attempt);
    StartedDial started;
    started.latencyMs = plan.latencyMs;
    if (!isPlaced(plan.outcome)) {
      started.result = refusal(plan.outcome);
      return started;
    }
    // Recorded before the answer comes back, as a real provider has the call once the request
    // is in: a crash during the dial must not make the call look never placed.
    const int64_t placedAtMs = epochMs();
    const std::string providerCallId = makeProviderCallId(call.id, attempt, placedAtMs);
    if (record_) record_->recordDial(placedAtMs, call, providerCallId);
    started.end = endEvent(call.id, providerCallId, plan, placedAtMs);
    api::DialResult& result = started.result;
    if (plan.outcome == SimOutcome::kAmbiguous) {
      result.outcome = api::DialOutcome::kAmbiguous;
      result.message = "simulated timeout after the request was sent";
      return started;
    }
    result.outcome = api::DialOutcome::kAccepted;
    result.providerCallId = providerCallId;
    result.providerDataJson = "{\"simulated\":true}";
    result.httpStatus = 200;
    result.message = "simulated call placed";
    return started;
  }

  // The answer is in: a placed call's end is scheduled from now on.
  void finish(const StartedDial& started) {
    if (started.end) ends_.schedule(*started.end);
  }

  api::DialResult refusal(SimOutcome outcome) const {
    api::DialResult result;
    if (outcome == SimOutcome::kRateLimited) {
      result.outcome = api::DialOutcome::kNotPlaced;
      result.httpStatus = 429;
      result.retryAfterMs = config_.rateLimitRetryAfterMs;
      result.throttleAccount = true;
      result.message = "simulated rate limit: too many concurrent calls";
    } else {
      result.outcome = api::DialOutcome::kRejected;
      result.httpStatus = 422;
      result.message = "simulated rejection: invalid phone number";
    }
    return result;
  }

  api::CallEvent endEvent(const std::string& callId, const std::string& providerCallId,
                          const DialPlan& plan, int64_t placedAtMs) const {
    api::CallEvent event;
    event.callId = callId;
    event.providerCallId = providerCallId;
    event.status = plan.finalStatus;
    event.atMs = placedAtMs + plan.latencyMs + config_.callDurationMs;
    const bool talked = plan.finalStatus == api::CallStatus::kCompleted;
    event.durationSecs = talked ? config_.callDurationMs / 1000 : 0;
    event.endReason = "simulated " + std::string(api::toString(plan.finalStatus));
    return event;
  }

  const SimulatorConfig config_;
  std::unique_ptr<CallRecord> record_;
  EndScheduler ends_;  // its thread stops before the record closes
  // Last: its destructor answers the dials still waiting, which schedules their ends.
  DialTimer dialTimer_;
};

}  // namespace

std::unique_ptr<api::VoiceProvider> makeSimulator(const SimulatorConfig& config,
                                                  api::CallEventSink& events) {
  return std::make_unique<SimulatorProvider>(config, events);
}

}  // namespace vo::simulator
