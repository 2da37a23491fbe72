#include "http/ClientLoop.h"

#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>

namespace vo::elevenlabs::http {
namespace {

constexpr uint64_t kWakeId = 0;
// A kept-alive connection unused this long is closed rather than trusted (Poco's client, which
// this one replaces, reconnected after 8 s too): servers and middleboxes drop idle ones quietly.
constexpr auto kIdleLimit = std::chrono::seconds(8);
constexpr uint32_t kIdleEvents = EPOLLIN | EPOLLRDHUP;

Exchange notSent(const std::string& error) {
  Exchange exchange;
  exchange.stage = ExchangeStage::kNotSent;
  exchange.error = error;
  return exchange;
}

}  // namespace

ClientLoop::ClientLoop(Options options) : options_(std::move(options)) {
  epollFd_ = epoll_create1(EPOLL_CLOEXEC);
  wakeFd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epollFd_ < 0 || wakeFd_ < 0) {
    if (epollFd_ >= 0) ::close(epollFd_);
    if (wakeFd_ >= 0) ::close(wakeFd_);
    throw std::runtime_error(std::string("ApiClient: epoll/eventfd: ") + std::strerror(errno));
  }
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = kWakeId;
  epoll_ctl(epollFd_, EPOLL_CTL_ADD, wakeFd_, &event);
  resolver_ = std::make_unique<HostResolver>(options_.host, options_.port, [this] { wakeLoop(); });
  thread_ = std::thread([this] { run(); });
  threadId_ = thread_.get_id();
}

ClientLoop::~ClientLoop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wakeLoop();
  thread_.join();
  resolver_.reset();  // its thread may still call wakeLoop(): the eventfd closes after it
  ::close(wakeFd_);
  ::close(epollFd_);
}

void ClientLoop::submit(std::string wire, bool head, Done done, std::string refusal) {
  std::unique_lock lock(mutex_);
  if (stopped_) {
    lock.unlock();
    done(notSent("client stopped"));
    return;
  }
  const bool wasEmpty = incoming_.empty();
  incoming_.push_back(Request{std::move(wire), head, std::move(done), std::move(refusal)});
  lock.unlock();
  // The loop takes everything queued at each wake-up: one write per batch is enough. A Done
  // submitting the next request runs on the loop itself, which takes it before it sleeps.
  if (wasEmpty && !onLoopThread()) wakeLoop();
}

void ClientLoop::wakeLoop() {
  const uint64_t one = 1;
  [[maybe_unused]] const ssize_t written = ::write(wakeFd_, &one, sizeof(one));
}

void ClientLoop::run() {
  pthread_setname_np(pthread_self(), "vo-el-http");
  // OpenSSL writes to its sockets with write(): a peer gone would raise SIGPIPE. Blocked here, it
  // stays pending on this thread and the write fails with EPIPE instead.
  sigset_t pipe;
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe, nullptr);

  std::array<epoll_event, 256> events{};
  while (true) {
    const int ready =
        epoll_wait(epollFd_, events.data(), static_cast<int>(events.size()), waitMillis());
    bool woken = false;
    for (int i = 0; i < ready; ++i) {
      if (events[i].data.u64 == kWakeId) {
        woken = true;
      } else {
        onEvent(events[i].data.u64);
      }
    }
    if (woken) {
      uint64_t count = 0;
      [[maybe_unused]] const ssize_t got = ::read(wakeFd_, &count, sizeof(count));
      std::lock_guard lock(mutex_);
      if (stopping_) break;
    }
    expireDeadlines();
    takeIncoming();
    pump();
  }
  shutDown();
}

void ClientLoop::takeIncoming() {
  std::vector<Request> batch;
  {
    std::lock_guard lock(mutex_);
    batch.swap(incoming_);
  }
  for (Request& request : batch) {
    if (!request.refusal.empty()) {
      request.done(notSent(request.refusal));
    } else {
      waiting_.push_back(std::move(request));
    }
  }
}

void ClientLoop::pump() {
  bool lookupFailed = false;
  while (!waiting_.empty()) {
    if (!idle_.empty()) {
      const uint64_t id = idle_.front();
      Slot& slot = slots_.at(id);
      leaveIdle(slot);
      // The server may have closed it since the last wake-up: such a connection would take the
      // request and then fail, leaving it "maybe placed". Checked without waiting.
      if (!slot.connection->healthyForReuse()) {
        finish(id);
        continue;
      }
      Request request = std::move(waiting_.front());
      waiting_.pop_front();
      startOnIdle(slot, std::move(request));
      advance(id);
      continue;
    }
    if (slots_.size() >= options_.maxConnections) break;
    const HostResolver::State host = resolver_->current();
    if (host.addresses != nullptr && !host.addresses->empty()) {
      Request request = std::move(waiting_.front());
      waiting_.pop_front();
      openConnection(host.addresses, std::move(request));
      continue;
    }
    if (host.lookingUp || host.error.empty()) break;  // the lookup's end wakes the loop
    // No address: the requests that would need a new connection fail, the next ones look again.
    Request request = std::move(waiting_.front());
    waiting_.pop_front();
    request.done(notSent(host.error));
    lookupFailed = true;
  }
  if (lookupFailed) resolver_->forgetFailure();
}

void ClientLoop::startOnIdle(Slot& slot, Request request) {
  slot.done = std::move(request.done);
  slot.connection->reuse(std::move(request.wire), request.head);
}

void ClientLoop::openConnection(const AddressList& addresses, Request request) {
  const uint64_t id = nextId_++;
  Slot& slot = slots_[id];
  slot.connection = std::make_unique<ClientConnection>(id, options_.tls, options_.host,
                                                       options_.verifyHost, readBuffer_);
  slot.done = std::move(request.done);
  slot.connection->open(addresses, std::move(request.wire), request.head);
  // One deadline for the TCP connect and the TLS handshake together.
  setDeadline(slot, id, Clock::now() + options_.connectTimeout);
  if (slot.connection->phase() == ClientConnection::Phase::kBroken) {
    finish(id);
    return;
  }
  watch(slot, EPOLLOUT);
}

void ClientLoop::onEvent(uint64_t id) {
  const auto found = slots_.find(id);
  if (found == slots_.end()) return;  // closed earlier in this batch of events
  Slot& slot = found->second;
  if (slot.idle) {
    if (!slot.connection->stillIdleAfterReadable()) finish(id);
    return;
  }
  advance(id);
}

void ClientLoop::advance(uint64_t id) {
  Slot& slot = slots_.at(id);
  ClientConnection& connection = *slot.connection;
  const auto before = connection.phase();
  const ClientConnection::Step step = connection.drive();
  const auto after = connection.phase();
  using Phase = ClientConnection::Phase;
  if (after == Phase::kBroken) {
    finish(id);
    return;
  }
  if (after == Phase::kIdle) {
    Done done = std::move(slot.done);
    Exchange exchange = connection.takeExchange();
    makeIdle(slot, id);
    done(std::move(exchange));
    return;
  }
  // Writing and reading have a deadline that moves with every bit of progress.
  const bool exchanging = after == Phase::kWriting || after == Phase::kReading;
  if (exchanging && (step.progressed || before != after || !slot.hasDeadline)) {
    setDeadline(slot, id, Clock::now() + options_.readTimeout);
  }
  // Reading watches what an idle connection does, so a connection going idle and back to work
  // needs no epoll_ctl.
  watch(slot, step.wait == ClientConnection::Wait::kWrite ? EPOLLOUT : kIdleEvents);
}

void ClientLoop::makeIdle(Slot& slot, uint64_t id) {
  slot.idle = true;
  idle_.push_front(id);
  slot.idleEntry = idle_.begin();
  setDeadline(slot, id, Clock::now() + kIdleLimit);
  watch(slot, kIdleEvents);
}

void ClientLoop::leaveIdle(Slot& slot) {
  if (!slot.idle) return;
  idle_.erase(slot.idleEntry);
  slot.idle = false;
  clearDeadline(slot);
}

void ClientLoop::finish(uint64_t id) {
  const auto found = slots_.find(id);
  Slot& slot = found->second;
  leaveIdle(slot);
  clearDeadline(slot);
  Done done = std::move(slot.done);
  Exchange exchange = slot.connection->takeExchange();
  slots_.erase(found);  // closes the socket, which leaves epoll with it
  if (done) done(std::move(exchange));
}

void ClientLoop::watch(Slot& slot, uint32_t events) {
  const ClientConnection& connection = *slot.connection;
  epoll_event event{};
  event.events = events;
  event.data.u64 = connection.id();
  if (connection.socketGeneration() != slot.registeredGeneration) {
    epoll_ctl(epollFd_, EPOLL_CTL_ADD, connection.fd(), &event);
    slot.registeredGeneration = connection.socketGeneration();
  } else if (events != slot.registeredEvents) {
    epoll_ctl(epollFd_, EPOLL_CTL_MOD, connection.fd(), &event);
  }
  slot.registeredEvents = events;
}

void ClientLoop::setDeadline(Slot& slot, uint64_t id, Clock::time_point when) {
  clearDeadline(slot);
  slot.deadline = deadlines_.emplace(when, id);
  slot.hasDeadline = true;
}

void ClientLoop::clearDeadline(Slot& slot) {
  if (!slot.hasDeadline) return;
  deadlines_.erase(slot.deadline);
  slot.hasDeadline = false;
}

void ClientLoop::expireDeadlines() {
  const auto now = Clock::now();
  while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
    const uint64_t id = deadlines_.begin()->second;
    Slot& slot = slots_.at(id);
    clearDeadline(slot);
    if (!slot.idle) slot.connection->fail(timeoutError(*slot.connection));
    finish(id);
  }
}

std::string ClientLoop::timeoutError(const ClientConnection& connection) const {
  const auto connectMs = std::to_string(options_.connectTimeout.count());
  const auto readMs = std::to_string(options_.readTimeout.count());
  switch (connection.phase()) {
    case ClientConnection::Phase::kConnecting:
      return "connect timed out after " + connectMs + " ms";
    case ClientConnection::Phase::kHandshaking:
      return "TLS handshake timed out after " + connectMs + " ms";
    case ClientConnection::Phase::kWriting:
      return "the request could not be written within " + readMs + " ms";
    default:
      return "no answer within " + readMs + " ms";
  }
}

int ClientLoop::waitMillis() {
  {
    // Submitted from the loop itself (a Done) after this wake-up took the queue: not slept on.
    std::lock_guard lock(mutex_);
    if (!incoming_.empty()) return 0;
  }
  if (deadlines_.empty()) return -1;
  const auto left = deadlines_.begin()->first - Clock::now();
  if (left <= Clock::duration::zero()) return 0;
  // Rounded up: waking a little early would only spin until the deadline.
  const auto millis = std::chrono::ceil<std::chrono::milliseconds>(left).count();
  return millis > 60000 ? 60000 : static_cast<int>(millis);
}

void ClientLoop::shutDown() {
  std::vector<uint64_t> open;
  open.reserve(slots_.size());
  for (const auto& entry : slots_) open.push_back(entry.first);
  for (const uint64_t id : open) {
    Slot& slot = slots_.at(id);
    if (slot.done) slot.connection->stop("client stopped");
    finish(id);
  }
  // A Done may submit again; those are answered too, until nothing is left.
  while (true) {
    std::vector<Request> late;
    {
      std::lock_guard lock(mutex_);
      late.swap(incoming_);
      if (late.empty() && waiting_.empty()) {
        stopped_ = true;
        return;
      }
    }
    for (Request& request : late) waiting_.push_back(std::move(request));
    while (!waiting_.empty()) {
      Request request = std::move(waiting_.front());
      waiting_.pop_front();
      request.done(notSent(request.refusal.empty() ? "client stopped" : request.refusal));
    }
  }
}

}  // namespace vo::elevenlabs::http
