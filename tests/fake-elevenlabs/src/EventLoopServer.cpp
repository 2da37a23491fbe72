#include "EventLoopServer.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <http_parser.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <optional>
#include <queue>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

#include "SocketIo.h"

namespace vo::fake_elevenlabs {
namespace {

constexpr uint64_t kListenerId = 0;
constexpr uint64_t kWakeId = 1;
constexpr int kMaxEvents = 256;
constexpr std::size_t kReadChunk = 64 * 1024;

const char* reasonOf(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Status";
  }
}

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// One client connection: owned by the loop thread alone.
struct Connection {
  int fd = -1;
  uint64_t id = 0;
  http_parser parser{};
  std::string in;   // received, not parsed yet
  std::string out;  // answered, not sent yet
  Request building;
  std::string field;
  bool inValue = false;
  std::optional<Request> ready;  // parsed, waiting for its turn
  bool readyKeepAlive = true;
  bool busy = false;  // a request is being answered (a timer or a hang holds it)
  bool keepAlive = true;
  bool hanging = false;
  bool closeWhenSent = false;
  bool writing = false;  // EPOLLOUT armed
};

Connection& of(http_parser* parser) {
  return *static_cast<Connection*>(parser->data);
}

const http_parser_settings kSettings = [] {
  http_parser_settings settings{};
  settings.on_message_begin = [](http_parser* p) {
    Connection& c = of(p);
    c.building = Request{};
    c.field.clear();
    c.inValue = false;
    return 0;
  };
  settings.on_url = [](http_parser* p, const char* at, std::size_t length) {
    of(p).building.target.append(at, length);
    return 0;
  };
  settings.on_header_field = [](http_parser* p, const char* at, std::size_t length) {
    Connection& c = of(p);
    if (c.inValue) {
      c.field.clear();
      c.inValue = false;
    }
    c.field.append(at, length);
    return 0;
  };
  settings.on_header_value = [](http_parser* p, const char* at, std::size_t length) {
    Connection& c = of(p);
    if (!c.inValue) {
      c.field = lowercase(c.field);
      c.building.headers[c.field].clear();
      c.inValue = true;
    }
    c.building.headers[c.field].append(at, length);
    return 0;
  };
  settings.on_body = [](http_parser* p, const char* at, std::size_t length) {
    of(p).building.body.append(at, length);
    return 0;
  };
  settings.on_message_complete = [](http_parser* p) {
    Connection& c = of(p);
    c.building.method = http_method_str(static_cast<http_method>(p->method));
    c.building.receivedAtUs = unixMicros();
    c.ready = std::move(c.building);
    c.building = Request{};
    c.readyKeepAlive = http_should_keep_alive(p) != 0;
    http_parser_pause(p, 1);  // one request at a time: answers go out in order
    return 0;
  };
  return settings;
}();

struct Timer {
  int64_t dueMs;
  uint64_t sequence;
  uint64_t connectionId;
  std::function<Reply()> then;
  bool operator>(const Timer& other) const {
    return dueMs != other.dueMs ? dueMs > other.dueMs : sequence > other.sequence;
  }
};

}  // namespace

std::string Request::header(const std::string& lowercaseName) const {
  auto found = headers.find(lowercaseName);
  return found == headers.end() ? std::string() : found->second;
}

Reply Reply::answer(int status, std::string body, std::string contentType,
                    std::map<std::string, std::string> headers) {
  Reply reply;
  reply.status = status;
  reply.body = std::move(body);
  reply.contentType = std::move(contentType);
  reply.headers = std::move(headers);
  return reply;
}

Reply Reply::drop() {
  Reply reply;
  reply.kind = Kind::kDrop;
  return reply;
}

Reply Reply::hang() {
  Reply reply;
  reply.kind = Kind::kHang;
  return reply;
}

Reply Reply::later(int64_t delayMs, std::function<Reply()> then) {
  Reply reply;
  reply.kind = Kind::kLater;
  reply.delayMs = delayMs;
  reply.then = std::move(then);
  return reply;
}

struct EventLoopServer::Loop {
  explicit Loop(Handler requestHandler) : handler(std::move(requestHandler)) {
    listener = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const int on = 1;
    ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listener, 1024) != 0 ||
        ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error(std::string("fake server: cannot listen: ") + std::strerror(errno));
    }
    port = ntohs(address.sin_port);
    epoll = ::epoll_create1(EPOLL_CLOEXEC);
    wake = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    watch(epoll, listener, kListenerId, EPOLLIN, EPOLL_CTL_ADD);
    watch(epoll, wake, kWakeId, EPOLLIN, EPOLL_CTL_ADD);
    thread = std::thread([this] { run(); });
  }

  ~Loop() {
    stop();
    ::close(listener);
    ::close(wake);
    ::close(epoll);
  }

  void stop() {
    if (!thread.joinable()) return;
    wakeLoop(wake);
    thread.join();
    for (auto& [id, connection] : connections) ::close(connection->fd);
    connections.clear();
  }

  void run() {
    std::vector<epoll_event> events(kMaxEvents);
    for (;;) {
      const int ready = ::epoll_wait(epoll, events.data(), kMaxEvents, msUntilNextTimer());
      for (int i = 0; i < ready; ++i) {
        const uint64_t id = events[i].data.u64;
        if (id == kWakeId) return;
        if (id == kListenerId) {
          acceptAll();
          continue;
        }
        auto found = connections.find(id);
        if (found == connections.end()) continue;
        Connection& connection = *found->second;
        if ((events[i].events & EPOLLOUT) && !flush(connection)) continue;
        if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP)) receive(connection);
      }
      runDueTimers();
    }
  }

  int msUntilNextTimer() const {
    if (timers.empty()) return -1;
    return static_cast<int>(std::max<int64_t>(0, timers.top().dueMs - steadyMillis()));
  }

  void acceptAll() {
    for (;;) {
      const int fd = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;  // EAGAIN, or out of descriptors: the backlog keeps the rest
      const int on = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
      auto connection = std::make_unique<Connection>();
      connection->fd = fd;
      connection->id = nextId++;
      http_parser_init(&connection->parser, HTTP_REQUEST);
      connection->parser.data = connection.get();
      watch(epoll, fd, connection->id, EPOLLIN | EPOLLRDHUP, EPOLL_CTL_ADD);
      connections.emplace(connection->id, std::move(connection));
    }
  }

  void close(Connection& connection) {
    ::close(connection.fd);  // also leaves the epoll set
    connections.erase(connection.id);
  }

  void receive(Connection& connection) {
    char buffer[kReadChunk];
    for (;;) {
      const ssize_t got = ::recv(connection.fd, buffer, sizeof buffer, 0);
      if (got > 0) {
        // A hanging request ends when the client gives up (or, oddly, sends more).
        if (connection.hanging) return close(connection);
        connection.in.append(buffer, static_cast<std::size_t>(got));
        continue;
      }
      if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (got < 0 && errno == EINTR) continue;
      return close(connection);  // closed by the client, or reset
    }
    pump(connection);
  }

  // Parses and answers what the connection sent, one request at a time.
  void pump(Connection& connection) {
    const uint64_t id = connection.id;
    while (connections.count(id) != 0 && !connection.busy) {
      if (!connection.ready && !connection.in.empty()) {
        const std::size_t used = http_parser_execute(&connection.parser, &kSettings,
                                                     connection.in.data(), connection.in.size());
        connection.in.erase(0, used);
        const auto error = HTTP_PARSER_ERRNO(&connection.parser);
        if (error == HPE_PAUSED) {
          http_parser_pause(&connection.parser, 0);
        } else if (error != HPE_OK) {
          connection.keepAlive = false;
          connection.busy = true;
          apply(connection, Reply::answer(400, R"({"detail":"Bad Request"})"));
          return;
        }
      }
      if (!connection.ready) return;
      Request request = std::move(*connection.ready);
      connection.ready.reset();
      connection.busy = true;
      connection.keepAlive = connection.readyKeepAlive;
      apply(connection, handler(std::move(request)));
    }
  }

  void apply(Connection& connection, Reply reply) {
    switch (reply.kind) {
      case Reply::Kind::kLater:
        timers.push(Timer{steadyMillis() + reply.delayMs, nextSequence++, connection.id,
                          std::move(reply.then)});
        return;
      case Reply::Kind::kHang:
        connection.hanging = true;
        return;
      case Reply::Kind::kDrop:
        return close(connection);
      case Reply::Kind::kAnswer:
        break;
    }
    std::string& out = connection.out;
    out += "HTTP/1.1 " + std::to_string(reply.status) + " " + reasonOf(reply.status) + "\r\n";
    out += "Content-Type: " + reply.contentType + "\r\n";
    out += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n";
    for (const auto& [name, value] : reply.headers) out += name + ": " + value + "\r\n";
    out += connection.keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
    out += reply.body;
    connection.busy = false;
    if (!connection.keepAlive) connection.closeWhenSent = true;
    flush(connection);
  }

  // Sends what the socket takes; false when the connection is gone.
  bool flush(Connection& connection) {
    if (!sendPending(connection.fd, connection.out)) {
      close(connection);
      return false;
    }
    const bool pending = !connection.out.empty();
    if (!pending && connection.closeWhenSent) {
      close(connection);
      return false;
    }
    if (pending != connection.writing) {
      connection.writing = pending;
      watch(epoll, connection.fd, connection.id, EPOLLIN | EPOLLRDHUP | (pending ? EPOLLOUT : 0u),
            EPOLL_CTL_MOD);
    }
    return true;
  }

  void runDueTimers() {
    const int64_t now = steadyMillis();
    while (!timers.empty() && timers.top().dueMs <= now) {
      Timer timer = timers.top();
      timers.pop();
      auto found = connections.find(timer.connectionId);
      if (found == connections.end()) continue;  // the client left meanwhile
      Connection& connection = *found->second;
      apply(connection, timer.then());
      if (connections.count(timer.connectionId) != 0) pump(connection);
    }
  }

  Handler handler;
  int listener = -1;
  int epoll = -1;
  int wake = -1;
  int port = 0;
  uint64_t nextId = 2;
  uint64_t nextSequence = 0;
  std::unordered_map<uint64_t, std::unique_ptr<Connection>> connections;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers;
  std::thread thread;
};

EventLoopServer::EventLoopServer(Handler handler)
    : loop_(std::make_unique<Loop>(std::move(handler))) {}

EventLoopServer::~EventLoopServer() = default;

int EventLoopServer::port() const {
  return loop_->port;
}

void EventLoopServer::stop() {
  loop_->stop();
}

}  // namespace vo::fake_elevenlabs
