#include "WebhookSender.h"

#include <arpa/inet.h>
#include <http_parser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <queue>
#include <string_view>
#include <thread>
#include <vector>

#include "SocketIo.h"

namespace vo::fake_elevenlabs {
namespace {

constexpr int kDeliveryAttempts = 5;
constexpr int64_t kAnswerTimeoutMs = 10000;
constexpr uint64_t kWakeId = UINT64_MAX;
constexpr int kMaxEvents = 128;

// Where an http:// URL points.
struct Target {
  std::string authority;  // host:port, also the Host header
  sockaddr_in address{};
  std::string pathAndQuery;
  bool valid = false;
};

Target targetOf(const std::string& url) {
  Target target;
  constexpr std::string_view kScheme = "http://";
  if (url.rfind(kScheme, 0) != 0) return target;
  const std::string rest = url.substr(kScheme.size());
  const auto slash = rest.find('/');
  target.authority = rest.substr(0, slash);
  target.pathAndQuery = slash == std::string::npos ? "/" : rest.substr(slash);
  const auto colon = target.authority.rfind(':');
  const std::string host = target.authority.substr(0, colon);
  const int port =
      colon == std::string::npos ? 80 : std::atoi(target.authority.c_str() + colon + 1);
  target.address.sin_family = AF_INET;
  target.address.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &target.address.sin_addr) != 1) {
    addrinfo hints{};
    hints.ai_family = AF_INET;
    addrinfo* found = nullptr;
    if (getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0 || found == nullptr) return target;
    target.address.sin_addr = reinterpret_cast<sockaddr_in*>(found->ai_addr)->sin_addr;
    freeaddrinfo(found);
  }
  target.valid = true;
  return target;
}

struct Job {
  OutgoingWebhook webhook;
  int attempt = 0;  // attempts made so far
};

// One kept-alive connection and the attempt it carries.
struct Connection {
  int fd = -1;
  std::string authority;
  bool connecting = false;
  std::optional<Job> job;
  std::string out;
  int64_t sentAtUs = 0;
  int64_t deadlineUs = 0;
  http_parser parser{};
  int status = 0;
  bool answered = false;
  bool keepAlive = true;
};

const http_parser_settings kSettings = [] {
  http_parser_settings settings{};
  settings.on_message_complete = [](http_parser* parser) {
    auto& connection = *static_cast<Connection*>(parser->data);
    connection.status = static_cast<int>(parser->status_code);
    connection.keepAlive = http_should_keep_alive(parser) != 0;
    connection.answered = true;
    http_parser_pause(parser, 1);
    return 0;
  };
  return settings;
}();

struct Retry {
  int64_t dueUs;
  uint64_t sequence;
  bool operator>(const Retry& other) const {
    return dueUs != other.dueUs ? dueUs > other.dueUs : sequence > other.sequence;
  }
};

}  // namespace

struct WebhookSender::Loop {
  Loop(int connectionCount, FakeRegistry& fakeRegistry, WebhookRecorder& webhookRecorder,
       std::function<void()> over)
      : registry(fakeRegistry),
        recorder(webhookRecorder),
        onOver(std::move(over)),
        connections(static_cast<std::size_t>(std::max(1, connectionCount))) {
    epoll = ::epoll_create1(EPOLL_CLOEXEC);
    wake = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    watch(epoll, wake, kWakeId, EPOLLIN, EPOLL_CTL_ADD);
    thread = std::thread([this] { run(); });
  }

  ~Loop() {
    stop();
    ::close(wake);
    ::close(epoll);
  }

  void sendAll(std::vector<OutgoingWebhook> webhooks) {
    if (webhooks.empty()) return;
    {
      std::lock_guard lock(mutex);
      for (auto& webhook : webhooks) incoming.push_back(Job{std::move(webhook), 0});
    }
    wakeLoop(wake);
  }

  void stop() {
    {
      std::lock_guard lock(mutex);
      if (stopping) return;
      stopping = true;
    }
    wakeLoop(wake);
    if (thread.joinable()) thread.join();
    for (auto& connection : connections) closeConnection(connection);
  }

  void run() {
    std::vector<epoll_event> events(kMaxEvents);
    for (;;) {
      const int ready = ::epoll_wait(epoll, events.data(), kMaxEvents, msUntilNextDeadline());
      for (int i = 0; i < ready; ++i) {
        const uint64_t id = events[i].data.u64;
        if (id == kWakeId) {
          uint64_t count = 0;
          if (::read(wake, &count, sizeof count) < 0) {
            // Already drained by an earlier wake-up.
          }
          std::lock_guard lock(mutex);
          if (stopping) return;
          for (auto& job : incoming) waiting.push_back(std::move(job));
          incoming.clear();
          continue;
        }
        Connection& connection = connections[id];
        if (connection.connecting) {
          finishConnect(connection);
        } else if (events[i].events & EPOLLOUT) {
          flush(connection);
        }
        if (connection.fd >= 0 && (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
          receive(connection);
        }
      }
      expire();
      startWaiting();
    }
  }

  int msUntilNextDeadline() const {
    int64_t next = INT64_MAX;
    if (!retries.empty()) next = retries.top().dueUs;
    for (const auto& connection : connections) {
      if (connection.job) next = std::min(next, connection.deadlineUs);
    }
    if (next == INT64_MAX) return -1;
    return static_cast<int>(std::max<int64_t>(0, (next - steadyMicros() + 999) / 1000));
  }

  // Retries due go first in line; attempts past their 10 s end without an answer.
  void expire() {
    const int64_t now = steadyMicros();
    while (!retries.empty() && retries.top().dueUs <= now) {
      auto job = std::move(retryJobs.at(retries.top().sequence));
      retryJobs.erase(retries.top().sequence);
      retries.pop();
      waiting.push_front(std::move(job));
    }
    for (auto& connection : connections) {
      if (connection.job && connection.deadlineUs <= now) {
        closeConnection(connection);
        attemptOver(connection, 0, true);
      }
    }
  }

  void startWaiting() {
    for (auto& connection : connections) {
      if (waiting.empty()) return;
      if (connection.job) continue;
      Job job = std::move(waiting.front());
      waiting.pop_front();
      const Target& target = targetFor(job.webhook.url);
      if (!target.valid) {
        connection.job = std::move(job);
        attemptOver(connection, 0, false);
        continue;
      }
      if (connection.fd >= 0 && connection.authority != target.authority) {
        closeConnection(connection);
      }
      ++job.attempt;
      job.webhook.delivery.attempts = job.attempt;
      if (job.attempt == 1) recorder.recordFirstSend(steadyMicros() - job.webhook.endedAtSteadyUs);
      connection.out = requestText(job.webhook, target);
      connection.job = std::move(job);
      connection.sentAtUs = steadyMicros();
      connection.deadlineUs = connection.sentAtUs + kAnswerTimeoutMs * 1000;
      connection.answered = false;
      http_parser_init(&connection.parser, HTTP_RESPONSE);
      connection.parser.data = &connection;
      if (connection.fd < 0 && !open(connection, target)) {
        attemptOver(connection, 0, false);
        continue;
      }
      if (!connection.connecting) flush(connection);
    }
  }

  const Target& targetFor(const std::string& url) {
    if (url != targetUrl) {
      targetUrl = url;
      target = targetOf(url);
    }
    return target;
  }

  static std::string requestText(const OutgoingWebhook& webhook, const Target& target) {
    std::string text = "POST " + target.pathAndQuery + " HTTP/1.1\r\nHost: " + target.authority +
                       "\r\nContent-Type: application/json\r\nContent-Length: " +
                       std::to_string(webhook.body.size()) +
                       "\r\nElevenLabs-Signature: " + webhook.signature +
                       "\r\nUser-Agent: ElevenLabs/1.0 (fake)\r\nConnection: keep-alive\r\n\r\n";
    return text + webhook.body;
  }

  uint64_t indexOf(const Connection& connection) const {
    return static_cast<uint64_t>(&connection - connections.data());
  }

  bool open(Connection& connection, const Target& destination) {
    connection.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (connection.fd < 0) return false;
    const int on = 1;
    ::setsockopt(connection.fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    connection.authority = destination.authority;
    watch(epoll, connection.fd, indexOf(connection), EPOLLIN | EPOLLOUT, EPOLL_CTL_ADD);
    const int result =
        ::connect(connection.fd, reinterpret_cast<const sockaddr*>(&destination.address),
                  sizeof destination.address);
    if (result == 0) return true;
    if (errno != EINPROGRESS) {
      closeConnection(connection);
      return false;
    }
    connection.connecting = true;
    return true;
  }

  void finishConnect(Connection& connection) {
    int error = 0;
    socklen_t length = sizeof error;
    ::getsockopt(connection.fd, SOL_SOCKET, SO_ERROR, &error, &length);
    connection.connecting = false;
    if (error != 0) {
      closeConnection(connection);
      if (connection.job) attemptOver(connection, 0, false);
      return;
    }
    flush(connection);
  }

  void flush(Connection& connection) {
    if (!sendPending(connection.fd, connection.out)) {
      closeConnection(connection);
      if (connection.job) attemptOver(connection, 0, false);
      return;
    }
    watch(epoll, connection.fd, indexOf(connection),
          EPOLLIN | (connection.out.empty() ? 0u : EPOLLOUT), EPOLL_CTL_MOD);
  }

  void receive(Connection& connection) {
    char buffer[16 * 1024];
    for (;;) {
      const ssize_t got = ::recv(connection.fd, buffer, sizeof buffer, 0);
      if (got > 0) {
        if (!connection.job) continue;  // nothing asked: ignored
        http_parser_execute(&connection.parser, &kSettings, buffer, static_cast<std::size_t>(got));
        if (connection.answered) {
          const int status = connection.status;
          if (!connection.keepAlive) closeConnection(connection);
          attemptOver(connection, status, false);
          return;
        }
        if (HTTP_PARSER_ERRNO(&connection.parser) != HPE_OK) break;  // not HTTP: a failure
        continue;
      }
      if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      if (got < 0 && errno == EINTR) continue;
      break;  // closed by the server, or reset
    }
    closeConnection(connection);
    if (connection.job) attemptOver(connection, 0, false);
  }

  void closeConnection(Connection& connection) {
    if (connection.fd >= 0) ::close(connection.fd);
    connection.fd = -1;
    connection.connecting = false;
    connection.out.clear();
  }

  // The connection's attempt got `status` (0: none); retried or over.
  void attemptOver(Connection& connection, int status, bool timedOut) {
    Job job = std::move(*connection.job);
    connection.job.reset();
    if (job.attempt > 0) {
      recorder.recordAttempt(status, timedOut, steadyMicros() - connection.sentAtUs);
      registry.countWebhookAnswer(status);
    }
    job.webhook.delivery.httpStatus = status;
    const bool retryable = status == 0 || status >= 500;
    if (retryable && job.attempt > 0 && job.attempt < kDeliveryAttempts) {
      const uint64_t sequence = nextSequence++;
      retries.push(Retry{steadyMicros() + 100000LL * job.attempt, sequence});
      retryJobs.emplace(sequence, std::move(job));
      return;
    }
    recorder.recordDeliveryOver();
    registry.recordDelivery(std::move(job.webhook.delivery));
    onOver();
  }

  FakeRegistry& registry;
  WebhookRecorder& recorder;
  const std::function<void()> onOver;
  std::vector<Connection> connections;
  int epoll = -1;
  int wake = -1;
  std::mutex mutex;
  std::vector<Job> incoming;  // handed in by other threads
  bool stopping = false;
  std::deque<Job> waiting;  // the loop's own
  std::priority_queue<Retry, std::vector<Retry>, std::greater<>> retries;
  std::map<uint64_t, Job> retryJobs;
  uint64_t nextSequence = 0;
  std::string targetUrl;
  Target target;
  std::thread thread;
};

WebhookSender::WebhookSender(int connections, FakeRegistry& registry, WebhookRecorder& recorder,
                             std::function<void()> onOver)
    : loop_(std::make_unique<Loop>(connections, registry, recorder, std::move(onOver))) {}

WebhookSender::~WebhookSender() = default;

void WebhookSender::sendAll(std::vector<OutgoingWebhook> webhooks) {
  loop_->sendAll(std::move(webhooks));
}

void WebhookSender::stop() {
  loop_->stop();
}

}  // namespace vo::fake_elevenlabs
