#include "http/Responder.h"

#include <atomic>
#include <utility>

namespace vo::core::http {

struct Responder::State {
  State(Send sendIn, RunBlocking runBlockingIn)
      : send(std::move(sendIn)), runBlocking(std::move(runBlockingIn)) {}
  ~State() {
    if (!answered.exchange(true)) send(errorResponse(ApiError{500, "internal", "internal error"}));
  }
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  Send send;
  RunBlocking runBlocking;
  std::atomic<bool> answered{false};
};

Responder::Responder(Send send, RunBlocking runBlocking)
    : state_(std::make_shared<State>(std::move(send), std::move(runBlocking))) {}

void Responder::answer(ApiResponse response) const {
  if (!state_->answered.exchange(true)) state_->send(std::move(response));
}

void Responder::runBlocking(std::function<void()> job) const {
  if (!state_->runBlocking(std::move(job))) {
    answer(errorResponse(ApiError{503, "unavailable", "the server is stopping"}));
  }
}

}  // namespace vo::core::http
