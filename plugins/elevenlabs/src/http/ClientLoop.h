#pragma once

#include <openssl/ssl.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "ApiClient.h"
#include "http/ClientConnection.h"
#include "http/HostResolver.h"

namespace vo::elevenlabs::http {

// One epoll thread driving every connection to the API host: a pool of at most
// maxConnections kept-alive connections, the requests beyond them waiting in FIFO order, and
// the timeouts in one ordered set, the nearest of which bounds epoll_wait. Never retries a
// request: each ends in exactly one Done, with how far it got.
class ClientLoop {
 public:
  using Done = std::function<void(Exchange)>;
  using Clock = std::chrono::steady_clock;

  struct Options {
    std::string host;
    uint16_t port = 0;
    SSL_CTX* tls = nullptr;  // null: plain HTTP; owned by the caller, outlives the loop
    bool verifyHost = true;
    std::chrono::milliseconds connectTimeout{5000};  // TCP connect plus TLS handshake
    std::chrono::milliseconds readTimeout{15000};    // writing the request, then each read
    std::size_t maxConnections = 1;
  };

  explicit ClientLoop(Options options);
  // Stops the thread; every exchange not over gets its Done ("client stopped").
  ~ClientLoop();
  ClientLoop(const ClientLoop&) = delete;
  ClientLoop& operator=(const ClientLoop&) = delete;

  // From any thread. `wire` is the whole request; a non-empty `refusal` ends the exchange as not
  // sent without writing anything (the Done still runs on the loop thread).
  void submit(std::string wire, bool head, Done done, std::string refusal = {});
  bool onLoopThread() const { return std::this_thread::get_id() == threadId_; }

 private:
  struct Request {
    std::string wire;
    bool head = false;
    Done done;
    std::string refusal;
  };
  using Deadlines = std::multimap<Clock::time_point, uint64_t>;
  struct Slot {
    std::unique_ptr<ClientConnection> connection;
    Done done;  // the exchange in progress; empty while idle
    uint64_t registeredGeneration = 0;
    uint32_t registeredEvents = 0;
    bool hasDeadline = false;
    Deadlines::iterator deadline;
    bool idle = false;
    std::list<uint64_t>::iterator idleEntry;
  };

  void run();
  void takeIncoming();
  void pump();
  void startOnIdle(Slot& slot, Request request);
  void openConnection(const AddressList& addresses, Request request);
  void onEvent(uint64_t id);
  void advance(uint64_t id);
  void expireDeadlines();
  void setDeadline(Slot& slot, uint64_t id, Clock::time_point when);
  void clearDeadline(Slot& slot);
  void watch(Slot& slot, uint32_t events);
  void makeIdle(Slot& slot, uint64_t id);
  void leaveIdle(Slot& slot);
  // Ends the exchange (if any) and closes the connection.
  void finish(uint64_t id);
  void shutDown();
  int waitMillis();
  void wakeLoop();
  std::string timeoutError(const ClientConnection& connection) const;

  const Options options_;
  int epollFd_ = -1;
  int wakeFd_ = -1;
  std::unique_ptr<HostResolver> resolver_;

  std::mutex mutex_;  // guards incoming_ and stopping_ only
  std::vector<Request> incoming_;
  bool stopping_ = false;
  bool stopped_ = false;  // the loop has ended: a late submit is answered where it is made

  // Loop thread only.
  std::deque<Request> waiting_;
  std::unordered_map<uint64_t, Slot> slots_;  // every open connection, by id
  std::list<uint64_t> idle_;                  // most recently used first
  Deadlines deadlines_;
  uint64_t nextId_ = 1;                                          // 0 is the wake-up eventfd
  std::vector<char> readBuffer_ = std::vector<char>(64 * 1024);  // every connection's reads

  std::thread thread_;
  std::thread::id threadId_;
};

}  // namespace vo::elevenlabs::http
