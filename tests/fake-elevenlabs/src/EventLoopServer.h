#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace vo::fake_elevenlabs {

// A request as the fake's routes read it.
struct Request {
  std::string method;
  std::string target;                          // path and query, as sent
  std::map<std::string, std::string> headers;  // names in lowercase
  std::string body;
  int64_t receivedAtUs = 0;  // system clock, when its last byte arrived

  std::string header(const std::string& lowercaseName) const;
};

// What to do with a request: answer it, drop the connection, hang until the client leaves, or
// decide later (after `delayMs`, on the server's thread) without holding a thread meanwhile.
struct Reply {
  enum class Kind { kAnswer, kDrop, kHang, kLater };
  Kind kind = Kind::kAnswer;
  int status = 200;
  std::string contentType = "application/json";
  std::map<std::string, std::string> headers;
  std::string body;
  int64_t delayMs = 0;
  std::function<Reply()> then;  // kLater

  static Reply answer(int status, std::string body, std::string contentType = "application/json",
                      std::map<std::string, std::string> headers = {});
  static Reply drop();
  static Reply hang();
  static Reply later(int64_t delayMs, std::function<Reply()> then);
};

// HTTP/1.1 on 127.0.0.1 with one epoll thread for every connection: a fake answering after
// 50 ms costs no thread and no context switch per waiting request (it shares the benchmark's
// two cores with the service it stands in front of). Keep-alive, pipelining (one request of a
// connection at a time, in order), Content-Length and chunked bodies.
class EventLoopServer {
 public:
  using Handler = std::function<Reply(Request&&)>;

  explicit EventLoopServer(Handler handler);
  ~EventLoopServer();
  EventLoopServer(const EventLoopServer&) = delete;
  EventLoopServer& operator=(const EventLoopServer&) = delete;

  int port() const;
  // Closes every connection and ends the thread; idempotent.
  void stop();

 private:
  struct Loop;
  std::unique_ptr<Loop> loop_;
};

}  // namespace vo::fake_elevenlabs
