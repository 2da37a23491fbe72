#include "http/front/HttpFront.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <spdlog/spdlog.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "support/ThreadName.h"

namespace vo::core::http {

namespace {

constexpr std::size_t kReadBytes = 64 * 1024;
constexpr int kMaxEvents = 256;
constexpr int kMaxAcceptsPerWake = 64;  // then the connections already open get their turn
constexpr auto kSweepInterval = std::chrono::milliseconds(250);
// When the process is out of descriptors, accepting pauses this long instead of spinning.
constexpr auto kAcceptPause = std::chrono::milliseconds(100);
constexpr const char* kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

constexpr ssize_t kWouldBlock = -1;

// Bytes read into `buffer`; 0 when the client closed its side or the socket failed;
// kWouldBlock when nothing is there yet.
ssize_t receive(int fd, std::vector<char>& buffer) {
  while (true) {
    const ssize_t got = ::recv(fd, buffer.data(), buffer.size(), 0);
    if (got >= 0) return got;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK ? kWouldBlock : 0;
  }
}

int unreadBytes(int fd) {
  int bytes = 0;
  return ::ioctl(fd, FIONREAD, &bytes) == 0 ? bytes : 0;
}

[[noreturn]] void throwErrno(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

}  // namespace

HttpFront::HttpFront(FrontLimits limits, int workers, FrontHandler handler, spdlog::logger& logger)
    : limits_(limits),
      handler_(std::move(handler)),
      logger_(logger),
      workers_(workers, workers / 4),
      readBuffer_(kReadBytes) {}

HttpFront::~HttpFront() {
  stop();
  if (wakeFd_ >= 0) ::close(wakeFd_);
  if (epollFd_ >= 0) ::close(epollFd_);
}

void HttpFront::start(int listenFd) {
  listenFd_ = listenFd;
  const int flags = ::fcntl(listenFd_, F_GETFL, 0);
  if (flags < 0 || ::fcntl(listenFd_, F_SETFL, flags | O_NONBLOCK) < 0) throwErrno("fcntl");
  epollFd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epollFd_ < 0) throwErrno("epoll_create1");
  wakeFd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wakeFd_ < 0) throwErrno("eventfd");
  epoll_event wake{};
  wake.events = EPOLLIN;
  wake.data.fd = wakeFd_;
  if (::epoll_ctl(epollFd_, EPOLL_CTL_ADD, wakeFd_, &wake) < 0) throwErrno("epoll_ctl");
  setAccepting(true);
  thread_ = std::thread([this] {
    nameThisThread("vo-http-loop");
    loop();
  });
}

void HttpFront::stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  const uint64_t one = 1;
  if (::write(wakeFd_, &one, sizeof one) < 0) {
    // The counter is full, so the loop is due to wake anyway.
  }
  thread_.join();
  {
    // Answers still being recorded come from other threads, into connections that must live.
    std::unique_lock lock(laterMutex_);
    laterAnswered_.wait(lock, [this] { return answersLater_ == 0; });
  }
  workers_.stop();  // a request running still writes its answer
  handedBack_.clear();
  connections_.clear();
}

void HttpFront::loop() {
  std::array<epoll_event, kMaxEvents> events{};
  auto nextSweep = Clock::now() + kSweepInterval;
  while (!stopping_) {
    const int timeoutMs = accepting_ ? static_cast<int>(kSweepInterval.count())
                                     : static_cast<int>(kAcceptPause.count());
    const int ready = ::epoll_wait(epollFd_, events.data(), kMaxEvents, timeoutMs);
    if (ready < 0 && errno != EINTR) {
      logger_.error("HTTP front: epoll_wait failed: {}", std::strerror(errno));
      return;
    }
    const auto now = Clock::now();
    for (int i = 0; i < ready; ++i) onEvent(events[i].data.fd, events[i].events, now);
    if (!accepting_ && now >= resumeAcceptingAt_) setAccepting(true);
    if (now >= nextSweep) {
      closeExpired(now);
      nextSweep = now + kSweepInterval;
    }
  }
}

void HttpFront::onEvent(int fd, uint32_t events, Clock::time_point now) {
  if (fd == wakeFd_) {
    uint64_t count = 0;
    if (::read(wakeFd_, &count, sizeof count) < 0) {
      // EAGAIN: another wake already drained the counter; the list is read below regardless.
    }
    takeHandedBack(now);
    return;
  }
  if (fd == listenFd_) {
    acceptAll(now);
    return;
  }
  const auto found = connections_.find(fd);
  if (found == connections_.end()) return;
  Connection& connection = *found->second;
  switch (connection.state) {
    case Connection::State::Reading:
      if ((events & EPOLLOUT) != 0 && !connection.output.empty() &&
          connection.output.flushTo(fd) == OutputBuffer::Flush::Failed) {
        close(connection);
        return;
      }
      if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0) {
        onReadable(connection, now);
      } else {
        waitForMore(connection, now);
      }
      return;
    case Connection::State::Writing:
      afterAnswer(connection, now);
      return;
    case Connection::State::Draining:
      drain(connection, now);
      return;
    case Connection::State::Handling:
      return;  // cannot happen: a connection is disarmed while a worker has it
  }
}

void HttpFront::setAccepting(bool on) {
  epoll_event listen{};
  listen.events = EPOLLIN;
  listen.data.fd = listenFd_;
  ::epoll_ctl(epollFd_, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, listenFd_, &listen);
  accepting_ = on;
}

void HttpFront::acceptAll(Clock::time_point now) {
  for (int i = 0; i < kMaxAcceptsPerWake; ++i) {
    const int fd = ::accept4(listenFd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        logger_.warn("HTTP front: cannot accept ({}); pausing accepts for {} ms",
                     std::strerror(errno), kAcceptPause.count());
        setAccepting(false);
        resumeAcceptingAt_ = now + kAcceptPause;
      }
      return;  // EAGAIN: nothing more to accept
    }
    if (connections_.size() >= limits_.maxConnections) {
      ::close(fd);
      if (now >= nextFullWarningAt_) {
        logger_.warn("HTTP front: {} connections open, the most allowed; closing new ones",
                     connections_.size());
        nextFullWarningAt_ = now + std::chrono::seconds(10);
      }
      continue;
    }
    const int noDelay = 1;  // an answer goes out in one send: never hold it back
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &noDelay, sizeof noDelay);
    auto owned = std::make_unique<Connection>(fd, limits_);
    Connection& connection = *owned;
    connections_.emplace(fd, std::move(owned));
    // A fresh connection must send its first request within the header deadline.
    connection.headerTimed = true;
    connection.deadline = now + limits_.headerDeadline;
    epoll_event event{};
    event.events = EPOLLIN | EPOLLONESHOT;
    event.data.fd = fd;
    if (::epoll_ctl(epollFd_, EPOLL_CTL_ADD, fd, &event) < 0) close(connection);
  }
}

void HttpFront::onReadable(Connection& connection, Clock::time_point now) {
  const ssize_t got = receive(connection.fd, readBuffer_);
  if (got == kWouldBlock) {
    waitForMore(connection, now);
    return;
  }
  if (got == 0) {  // the client closed (or reset) its side: nothing more can be answered
    close(connection);
    return;
  }
  advance(connection, std::string_view(readBuffer_.data(), static_cast<std::size_t>(got)), now);
}

void HttpFront::drain(Connection& connection, Clock::time_point now) {
  const ssize_t got = receive(connection.fd, readBuffer_);
  if (got == kWouldBlock) {
    arm(connection, EPOLLIN);
    return;
  }
  connection.drained += got;
  if (got == 0 || connection.drained >= limits_.drainBytes || now >= connection.drainUntil) {
    close(connection);
    return;
  }
  connection.deadline = std::min(now + limits_.drainIdle, connection.drainUntil);
  arm(connection, EPOLLIN);
}

void HttpFront::advance(Connection& connection, std::string_view fresh, Clock::time_point now) {
  std::string_view input = fresh;
  if (!connection.pending.empty()) {
    connection.pending.append(fresh);
    input = connection.pending;
  }
  if (input.empty()) {
    waitForMore(connection, now);
    return;
  }
  const auto step = connection.parser.feed(input);
  // Keep only the unparsed rest, in a buffer of its own size: an idle connection holds none.
  connection.pending = std::string(input.substr(step.consumed));
  switch (step.status) {
    case RequestParser::Status::NeedMore:
      if (connection.parser.takeContinue()) connection.output.appendRaw(kContinue);
      if (!connection.output.empty() &&
          connection.output.flushTo(connection.fd) == OutputBuffer::Flush::Failed) {
        close(connection);
        return;
      }
      waitForMore(connection, now);
      return;
    case RequestParser::Status::HeadersComplete:
      checkHeaders(connection, now);
      return;
    case RequestParser::Status::Complete:
      dispatch(connection);
      return;
    case RequestParser::Status::Refused:
      refuse(connection, now);
      return;
  }
}

void HttpFront::waitForMore(Connection& connection, Clock::time_point now) {
  if (!connection.parser.midRequest()) {
    connection.headerTimed = false;
    connection.deadline = now + limits_.keepAliveIdle;
  } else if (connection.parser.inBody()) {
    if (!connection.bodyTimed) {
      connection.bodyTimed = true;
      connection.bodyStartedAt = now;
    }
    // Progress at least every stallTimeout, and on average the minimum rate after the grace.
    const auto earned =
        std::chrono::milliseconds(static_cast<int64_t>(connection.parser.bodyBytes()) * 1000 /
                                  std::max<int64_t>(1, limits_.minBodyBytesPerSecond));
    connection.deadline =
        std::min(now + limits_.stallTimeout, connection.bodyStartedAt + limits_.bodyGrace + earned);
  } else if (!connection.headerTimed) {
    connection.headerTimed = true;
    connection.deadline = now + limits_.headerDeadline;
  }
  arm(connection, connection.output.empty() ? EPOLLIN : EPOLLIN | EPOLLOUT);
}

void HttpFront::refuse(Connection& connection, Clock::time_point now) {
  ApiResponse refusal = connection.parser.takeRefusal();
  handler_.countAnswer(refusal.status);
  connection.output.appendResponse(std::move(refusal), /*close=*/true, /*headOnly=*/false);
  connection.closeAfterWrite = true;
  connection.refused = true;
  afterAnswer(connection, now);
}

void HttpFront::dispatch(Connection& connection) {
  connection.state = Connection::State::Handling;
  connection.headerTimed = false;
  connection.bodyTimed = false;
  ApiRequest request = connection.parser.takeRequest();
  const bool keepAlive = connection.parser.keepAlive();
  const bool headOnly = connection.parser.headOnly();
  if (handler_.answersLater && handler_.answersLater(request)) {
    answerLater(connection, std::move(request), keepAlive, headOnly);
    return;
  }
  const JobLane lane =
      request.path.rfind("/webhooks/", 0) == 0 ? JobLane::kCallback : JobLane::kClient;
  workers_.submit(
      [this, &connection, request = std::move(request), keepAlive, headOnly]() mutable {
        answer(connection, std::move(request), keepAlive, headOnly);
      },
      lane);
}

// A large body is read only once a worker has accepted its headers (route, key, media type):
// a refusal goes out before the client has sent it, and nothing of it is held.
void HttpFront::checkHeaders(Connection& connection, Clock::time_point now) {
  if (!handler_.checkHeaders) {
    connection.parser.resumeBody();
    advance(connection, {}, now);
    return;
  }
  connection.state = Connection::State::Handling;
  workers_.submit(
      [this, &connection, request = connection.parser.headers()] {
        try {
          if (std::optional<ApiResponse> refusal = handler_.checkHeaders(request)) {
            handler_.countAnswer(refusal->status);
            writeFromWorker(connection, std::move(*refusal), /*close=*/true, /*headOnly=*/false);
            connection.refused = true;  // the body comes unread: drain before closing
          } else {
            connection.headersAccepted = true;
          }
        } catch (const std::exception& error) {  // out of memory building the answer
          logger_.error("HTTP front: cannot check a request's headers: {}", error.what());
          connection.broken = true;
        }
        handBack(connection);
      },
      JobLane::kClient);
}

// On the thread that owns the connection until it hands it back.
template <typename Build>
void HttpFront::deliver(Connection& connection, Build build, bool keepAlive, bool headOnly) {
  try {
    writeFromWorker(connection, build(), !keepAlive, headOnly);
  } catch (const std::exception& error) {  // out of memory building the answer
    logger_.error("HTTP front: cannot answer a request: {}", error.what());
    connection.broken = true;
  }
  handBack(connection);
}

// On a worker thread, which owns the connection until it hands it back.
void HttpFront::answer(Connection& connection, ApiRequest request, bool keepAlive, bool headOnly) {
  deliver(
      connection, [&] { return handler_.handle(std::move(request)); }, keepAlive, headOnly);
}

// On the loop; the connection is the Responder's until it answers, on whichever thread.
void HttpFront::answerLater(Connection& connection, ApiRequest request, bool keepAlive,
                            bool headOnly) {
  {
    std::lock_guard lock(laterMutex_);
    ++answersLater_;
  }
  const Responder responder(
      [this, &connection, keepAlive, headOnly](ApiResponse response) {
        handler_.countAnswer(response.status);
        deliver(
            connection, [&] { return std::move(response); }, keepAlive, headOnly);
        std::lock_guard lock(laterMutex_);
        if (--answersLater_ == 0) laterAnswered_.notify_all();
      },
      [this](std::function<void()> job) {
        return workers_.submit(std::move(job), JobLane::kCallback);
      });
  handler_.handleLater(std::move(request), responder);
}

// Most answers fit the socket buffer: sent here, on the worker; the loop only picks up the rest.
void HttpFront::writeFromWorker(Connection& connection, ApiResponse response, bool close,
                                bool headOnly) {
  connection.output.appendResponse(std::move(response), close, headOnly);
  connection.closeAfterWrite = close;
  connection.broken = connection.output.flushTo(connection.fd) == OutputBuffer::Flush::Failed;
}

void HttpFront::handBack(Connection& connection) {
  {
    std::lock_guard lock(handedBackMutex_);
    handedBack_.push_back(&connection);
    // One wake per batch of answers: a list already waiting has its wake written (the loop
    // reads the counter before it takes the list, so none is lost).
    if (handedBack_.size() > 1) return;
  }
  const uint64_t one = 1;
  if (::write(wakeFd_, &one, sizeof one) < 0) {
    // The counter is full, so the loop is due to wake anyway.
  }
}

void HttpFront::takeHandedBack(Clock::time_point now) {
  std::vector<Connection*> back;
  {
    std::lock_guard lock(handedBackMutex_);
    back.swap(handedBack_);
  }
  for (Connection* connection : back) {
    if (connection->headersAccepted) {
      connection->headersAccepted = false;
      connection->state = Connection::State::Reading;
      connection->parser.resumeBody();
      advance(*connection, {}, now);
      continue;
    }
    connection->state = Connection::State::Writing;
    afterAnswer(*connection, now);
  }
}

// The loop's part once an answer is in the output: send the rest, then read the next request,
// or half-close and drain.
void HttpFront::afterAnswer(Connection& connection, Clock::time_point now) {
  if (connection.broken) {
    close(connection);
    return;
  }
  switch (connection.output.flushTo(connection.fd)) {
    case OutputBuffer::Flush::Failed:
      close(connection);
      return;
    case OutputBuffer::Flush::WouldBlock:  // woken because the socket took more: progress
      connection.state = Connection::State::Writing;
      connection.deadline = now + limits_.stallTimeout;
      arm(connection, EPOLLOUT);
      return;
    case OutputBuffer::Flush::Done:
      break;
  }
  if (connection.closeAfterWrite) {
    if (!connection.refused && connection.pending.empty() && unreadBytes(connection.fd) == 0) {
      close(connection);  // nothing unread: the kernel sends the answer, then FIN
      return;
    }
    // Closing with unread bytes would reset the connection and could destroy the answer on
    // its way: half-close, and read and drop what still comes until the client closes.
    ::shutdown(connection.fd, SHUT_WR);
    connection.pending.clear();
    connection.state = Connection::State::Draining;
    connection.drainUntil = now + limits_.drainTime;
    connection.deadline = std::min(now + limits_.drainIdle, connection.drainUntil);
    arm(connection, EPOLLIN);
    return;
  }
  connection.state = Connection::State::Reading;
  advance(connection, {}, now);  // a pipelined request may be waiting already
}

void HttpFront::arm(Connection& connection, uint32_t events) {
  epoll_event event{};
  event.events = events | EPOLLONESHOT;
  event.data.fd = connection.fd;
  if (::epoll_ctl(epollFd_, EPOLL_CTL_MOD, connection.fd, &event) < 0) close(connection);
}

void HttpFront::close(Connection& connection) {
  connections_.erase(connection.fd);  // the destructor closes the descriptor
}

void HttpFront::closeExpired(Clock::time_point now) {
  for (auto it = connections_.begin(); it != connections_.end();) {
    const Connection& connection = *it->second;
    if (connection.state != Connection::State::Handling && connection.deadline <= now) {
      logger_.debug("HTTP front: closing connection {} past its deadline", connection.fd);
      it = connections_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace vo::core::http
