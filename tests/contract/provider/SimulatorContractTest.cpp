// The VoiceProvider contract for the simulator: its outcome mix makes it answer as asked, and
// accepted calls end through the event sink after callDurationMs.
#include <condition_variable>
#include <mutex>

#include "ProviderContract.h"
#include "vo/simulator/Simulator.h"

namespace vo::contract {
namespace {

class SimulatorScenario : public ProviderScenario, public api::CallEventSink {
 public:
  api::VoiceProvider& provider(ProviderBehaviour behaviour, api::CallStatus endStatus) override {
    simulator::SimulatorConfig config;
    config.latencyMs = 1;
    config.callDurationMs = 0;
    config.outcomes = {};
    config.outcomes.completed = 0;
    switch (behaviour) {
      case ProviderBehaviour::kAccept:
        weightOf(config.outcomes, endStatus) = 1;
        break;
      case ProviderBehaviour::kNotPlaced:
        config.outcomes.rateLimited = 1;
        break;
      case ProviderBehaviour::kReject:
        config.outcomes.rejected = 1;
        break;
      case ProviderBehaviour::kAmbiguous:
        config.outcomes.ambiguous = 1;
        break;
    }
    provider_ = simulator::makeSimulator(config, *this);
    return *provider_;
  }

  std::vector<api::CallEvent> finishCall(const api::Call& call, const api::DialResult&,
                                         api::CallStatus) override {
    std::unique_lock lock(mutex_);
    arrived_.wait_for(lock, std::chrono::seconds(30), [&] {
      for (const auto& event : events_) {
        if (event.callId == call.id) return true;
      }
      return false;
    });
    return events_;
  }

  void publish(std::span<const api::CallEvent> events) override {
    std::lock_guard lock(mutex_);
    events_.insert(events_.end(), events.begin(), events.end());
    arrived_.notify_all();
  }

  ~SimulatorScenario() override { provider_.reset(); }  // its timer thread publishes to us

 private:
  static double& weightOf(simulator::OutcomeWeights& weights, api::CallStatus status) {
    switch (status) {
      case api::CallStatus::kNoAnswer:
        return weights.noAnswer;
      case api::CallStatus::kBusy:
        return weights.busy;
      case api::CallStatus::kFailed:
        return weights.failed;
      default:
        return weights.completed;
    }
  }

  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<api::CallEvent> events_;
  std::unique_ptr<api::VoiceProvider> provider_;
};

INSTANTIATE_TEST_SUITE_P(Simulator, VoiceProviderContract,
                         ::testing::Values(ProviderScenarioFactory{
                             "simulator", [] { return std::make_unique<SimulatorScenario>(); }}),
                         scenarioName);

}  // namespace
}  // namespace vo::contract
