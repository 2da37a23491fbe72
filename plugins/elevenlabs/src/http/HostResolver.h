#pragma once

#include <sys/socket.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace vo::elevenlabs::http {

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
};
using AddressList = std::shared_ptr<const std::vector<SocketAddress>>;

// The API host's addresses for the client's loop, which must never block on DNS: a numeric
// host is resolved once here; a name is looked up on a thread of its own, again every minute
// (the last good answer stays in use meanwhile and when a lookup fails).
class HostResolver {
 public:
  // `resolved` is called (from the resolver's thread) whenever a lookup ends.
  HostResolver(std::string host, uint16_t port, std::function<void()> resolved);
  ~HostResolver();
  HostResolver(const HostResolver&) = delete;
  HostResolver& operator=(const HostResolver&) = delete;

  struct State {
    AddressList addresses;  // null or empty: none known yet
    bool lookingUp = false;
    std::string error;  // why the last lookup failed, when no address is known
  };
  // The addresses known now; starts a lookup when there are none (and none failed since the
  // last forgetFailure()) or they are a minute old.
  State current();
  // After the requests waiting for a failed lookup were told: the next current() looks again.
  void forgetFailure();

 private:
  void run();
  static AddressList lookUp(const std::string& host, uint16_t port, bool numericOnly,
                            std::string& error);

  const std::string host_;
  const uint16_t port_;
  const std::function<void()> resolved_;

  std::mutex mutex_;
  std::condition_variable wake_;
  AddressList addresses_;
  std::string error_;
  bool wanted_ = false;
  bool lookingUp_ = false;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point resolvedAt_;
  std::thread thread_;  // only for a host name
};

}  // namespace vo::elevenlabs::http
