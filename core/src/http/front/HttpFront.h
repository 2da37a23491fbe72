#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "http/ApiMessage.h"
#include "http/Responder.h"
#include "http/front/Connection.h"
#include "http/front/FrontLimits.h"
#include "http/front/WorkerPool.h"

namespace spdlog {
class logger;
}

namespace vo::core::http {

// What the front serves: `handle` runs on a worker thread (thread-safe, never throws);
// `countAnswer` is told of the answers the front gives itself (400, 413, 431, 505, and the
// refusals of `checkHeaders`) and of those given through a Responder. `checkHeaders` (optional,
// on a worker thread) sees the headers of a request with a large body before the body is read,
// and answers a refusal or nullopt. A request `answersLater` accepts (optional, on the event
// loop) goes to `handleLater` on the loop instead of a worker: it must not block, and answers
// through the Responder from any thread (a provider's webhook, once its batch is recorded).
struct FrontHandler {
  std::function<ApiResponse(ApiRequest)> handle;
  std::function<void(int status)> countAnswer;
  std::function<std::optional<ApiResponse>(const ApiRequest&)> checkHeaders;
  std::function<bool(const ApiRequest&)> answersLater;
  std::function<void(ApiRequest, const Responder&)> handleLater;
};

// The HTTP/1.1 server: one event-loop thread (epoll) accepts connections and reads and parses
// requests without blocking; each complete request goes to a WorkerPool thread, which runs the
// handler and writes the answer (a provider's webhooks in their own lane, on at most three
// quarters of the threads), or, when the handler answers it later, is handed to the handler on
// the loop and answered by whichever thread finishes it, holding no thread meanwhile. An open
// connection costs a descriptor and its unparsed bytes, never a thread, so idle and busy keep-alive
// connections cannot delay a new client.
class HttpFront {
 public:
  HttpFront(FrontLimits limits, int workers, FrontHandler handler, spdlog::logger& logger);
  ~HttpFront();
  HttpFront(const HttpFront&) = delete;
  HttpFront& operator=(const HttpFront&) = delete;

  // Serves the connections of `listenFd` (bound and listening; the caller keeps owning it and
  // closes it after stop()). Throws std::system_error if the loop cannot be set up.
  void start(int listenFd);
  // Stops accepting and reading, lets the requests running finish, closes every connection.
  void stop();

 private:
  using Clock = Connection::Clock;

  void loop();
  void onEvent(int fd, uint32_t events, Clock::time_point now);
  void acceptAll(Clock::time_point now);
  void setAccepting(bool on);
  void onReadable(Connection& connection, Clock::time_point now);
  void drain(Connection& connection, Clock::time_point now);
  void advance(Connection& connection, std::string_view fresh, Clock::time_point now);
  void waitForMore(Connection& connection, Clock::time_point now);
  void refuse(Connection& connection, Clock::time_point now);
  void dispatch(Connection& connection);
  void checkHeaders(Connection& connection, Clock::time_point now);
  void answer(Connection& connection, ApiRequest request, bool keepAlive, bool headOnly);
  void answerLater(Connection& connection, ApiRequest request, bool keepAlive, bool headOnly);
  // Writes the answer `build` returns and hands the connection back to the loop; an answer that
  // cannot be built or written breaks the connection.
  template <typename Build>
  void deliver(Connection& connection, Build build, bool keepAlive, bool headOnly);
  void writeFromWorker(Connection& connection, ApiResponse response, bool close, bool headOnly);
  void handBack(Connection& connection);
  void takeHandedBack(Clock::time_point now);
  void afterAnswer(Connection& connection, Clock::time_point now);
  void arm(Connection& connection, uint32_t events);
  void close(Connection& connection);
  void closeExpired(Clock::time_point now);

  const FrontLimits limits_;
  FrontHandler handler_;
  spdlog::logger& logger_;
  WorkerPool workers_;
  int epollFd_ = -1;
  int wakeFd_ = -1;  // eventfd: a worker handed a connection back, or stop() was called
  int listenFd_ = -1;
  bool accepting_ = false;
  Clock::time_point resumeAcceptingAt_{};
  Clock::time_point nextFullWarningAt_{};  // the "too many connections" log, once per 10 s
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::unordered_map<int, std::unique_ptr<Connection>> connections_;  // by fd; the loop's
  std::vector<char> readBuffer_;
  std::mutex handedBackMutex_;
  std::vector<Connection*> handedBack_;
  std::mutex laterMutex_;
  std::condition_variable laterAnswered_;
  int answersLater_ = 0;  // requests handed to handleLater and not answered yet
};

}  // namespace vo::core::http
