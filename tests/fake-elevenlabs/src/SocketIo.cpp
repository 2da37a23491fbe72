#include "SocketIo.h"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

namespace vo::fake_elevenlabs {

bool sendPending(int fd, std::string& out) {
  while (!out.empty()) {
    const ssize_t sent = ::send(fd, out.data(), out.size(), MSG_NOSIGNAL);
    if (sent > 0) {
      out.erase(0, static_cast<std::size_t>(sent));
      continue;
    }
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    if (sent < 0 && errno == EINTR) continue;
    return false;
  }
  return true;
}

void watch(int epoll, int fd, uint64_t id, uint32_t events, int operation) {
  epoll_event event{};
  event.events = events;
  event.data.u64 = id;
  ::epoll_ctl(epoll, operation, fd, &event);
}

void wakeLoop(int eventFd) {
  const uint64_t one = 1;
  if (::write(eventFd, &one, sizeof one) < 0) {
    // Fails only when the counter is full, and then the loop is woken anyway.
  }
}

namespace {

template <typename Clock>
int64_t microsOf() {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now().time_since_epoch())
      .count();
}

}  // namespace

int64_t steadyMicros() {
  return microsOf<std::chrono::steady_clock>();
}

int64_t steadyMillis() {
  return steadyMicros() / 1000;
}

int64_t unixMicros() {
  return microsOf<std::chrono::system_clock>();
}

int64_t unixSeconds() {
  return unixMicros() / 1000000;
}

}  // namespace vo::fake_elevenlabs
