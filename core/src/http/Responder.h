#pragma once

#include <functional>
#include <memory>

#include "http/ApiMessage.h"

namespace vo::core::http {

// How a request whose route answers later gets its answer: exactly once, from any thread. A
// copy answers the same request; the first answer wins. When the last copy goes away unanswered
// (a route's bug), the request is answered 500 rather than left hanging.
class Responder {
 public:
  using Send = std::function<void(ApiResponse)>;
  // Runs a job on a thread that may block; false when none will (the server is stopping).
  using RunBlocking = std::function<bool(std::function<void()>)>;

  Responder(Send send, RunBlocking runBlocking);

  void answer(ApiResponse response) const;
  // Runs `job` where it may block (it must answer in the end); 503 when no thread will run it.
  void runBlocking(std::function<void()> job) const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace vo::core::http
