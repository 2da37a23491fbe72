#include "http/HostResolver.h"

#include <netdb.h>
#include <pthread.h>

#include <cstring>

namespace vo::elevenlabs::http {
namespace {

constexpr auto kRefreshAfter = std::chrono::seconds(60);

}  // namespace

HostResolver::HostResolver(std::string host, uint16_t port, std::function<void()> resolved)
    : host_(std::move(host)), port_(port), resolved_(std::move(resolved)) {
  std::string error;
  addresses_ = lookUp(host_, port_, true, error);
  if (addresses_ == nullptr) thread_ = std::thread([this] { run(); });
}

HostResolver::~HostResolver() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

HostResolver::State HostResolver::current() {
  std::lock_guard lock(mutex_);
  if (!thread_.joinable()) return State{addresses_, false, ""};
  const bool stale =
      addresses_ != nullptr && std::chrono::steady_clock::now() - resolvedAt_ > kRefreshAfter;
  const bool neverTried = addresses_ == nullptr && error_.empty();
  if (!lookingUp_ && !wanted_ && (stale || neverTried)) {
    wanted_ = true;
    lookingUp_ = true;
    wake_.notify_one();
  }
  return State{addresses_, lookingUp_, error_};
}

void HostResolver::forgetFailure() {
  std::lock_guard lock(mutex_);
  error_.clear();
}

void HostResolver::run() {
  pthread_setname_np(pthread_self(), "vo-el-dns");
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return wanted_ || stopping_; });
    if (stopping_) return;
    wanted_ = false;
    lock.unlock();
    std::string error;
    AddressList found = lookUp(host_, port_, false, error);
    lock.lock();
    lookingUp_ = false;
    if (found != nullptr) {
      addresses_ = std::move(found);
      error_.clear();
    } else if (addresses_ == nullptr) {
      error_ = error;
    }
    // A failed refresh keeps the last good answer, and tries again a minute later.
    resolvedAt_ = std::chrono::steady_clock::now();
    lock.unlock();
    resolved_();
    lock.lock();
  }
}

AddressList HostResolver::lookUp(const std::string& host, uint16_t port, bool numericOnly,
                                 std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  // No AI_ADDRCONFIG: a connection tries each address in turn, and the flag drops loopback
  // answers on hosts with no other interface.
  hints.ai_flags = AI_NUMERICSERV | (numericOnly ? AI_NUMERICHOST : 0);
  addrinfo* found = nullptr;
  const int status = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
  if (status != 0) {
    error = "cannot resolve " + host + ": " + gai_strerror(status);
    return nullptr;
  }
  auto addresses = std::make_shared<std::vector<SocketAddress>>();
  for (const addrinfo* entry = found; entry != nullptr; entry = entry->ai_next) {
    if (entry->ai_addrlen > sizeof(sockaddr_storage)) continue;
    SocketAddress address;
    std::memcpy(&address.storage, entry->ai_addr, entry->ai_addrlen);
    address.length = entry->ai_addrlen;
    addresses->push_back(address);
  }
  freeaddrinfo(found);
  if (addresses->empty()) {
    error = "cannot resolve " + host + ": no address";
    return nullptr;
  }
  return addresses;
}

}  // namespace vo::elevenlabs::http
