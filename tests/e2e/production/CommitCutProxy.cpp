#include "CommitCutProxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <map>
#include <stdexcept>

namespace vo::e2e::production {

namespace {

bool sendAll(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t sent = ::send(fd, data, size, MSG_NOSIGNAL);
    if (sent <= 0) return false;
    data += sent;
    size -= static_cast<std::size_t>(sent);
  }
  return true;
}

uint32_t bigEndian32(const char* bytes) {
  uint32_t value = 0;
  std::memcpy(&value, bytes, 4);
  return ntohl(value);
}

// The text of a Parse message's query, and its statement's name.
std::pair<std::string, std::string> parsedStatement(const std::string& payload) {
  const std::size_t nameEnd = payload.find('\0');
  if (nameEnd == std::string::npos) return {};
  const std::size_t textEnd = payload.find('\0', nameEnd + 1);
  return {payload.substr(0, nameEnd), payload.substr(nameEnd + 1, textEnd - nameEnd - 1)};
}

bool isCommit(const std::string& text) {
  return text.rfind("COMMIT", 0) == 0 || text.rfind("commit", 0) == 0;
}

}  // namespace

struct CommitCutProxy::Link {
  int client = -1;
  int server = -1;
  bool startupDone = false;                       // the startup packet has no type byte
  bool marked = false;                            // carried the marker: its next COMMIT is cut
  std::map<std::string, std::string> statements;  // prepared statement name -> its text
  std::atomic<bool> muted{false};                 // the server's answers are dropped from now on
};

CommitCutProxy::CommitCutProxy(int serverPort) : serverPort_(serverPort) {
  listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
  const int on = 1;
  ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener_, 64) != 0) {
    throw std::runtime_error("CommitCutProxy: cannot listen");
  }
  socklen_t length = sizeof address;
  ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { acceptLoop(); });
}

CommitCutProxy::~CommitCutProxy() {
  stopping_ = true;
  ::shutdown(listener_, SHUT_RDWR);
  if (acceptor_.joinable()) acceptor_.join();
  ::close(listener_);
  {
    std::lock_guard lock(mutex_);
    for (const auto& link : links_) {
      ::shutdown(link->client, SHUT_RDWR);
      ::shutdown(link->server, SHUT_RDWR);
    }
  }
  for (auto& thread : threads_) thread.join();
  for (const auto& link : links_) {
    ::close(link->client);
    ::close(link->server);
  }
}

void CommitCutProxy::setDown(bool down) {
  down_ = down;
  if (!down) return;
  std::lock_guard lock(mutex_);
  for (const auto& link : links_) {
    ::shutdown(link->client, SHUT_RDWR);
    ::shutdown(link->server, SHUT_RDWR);
  }
}

void CommitCutProxy::armFor(const std::string& marker) {
  std::lock_guard lock(mutex_);
  marker_ = marker;
}

void CommitCutProxy::acceptLoop() {
  while (!stopping_) {
    pollfd ready{listener_, POLLIN, 0};
    if (::poll(&ready, 1, 100) <= 0) continue;
    const int client = ::accept(listener_, nullptr, nullptr);
    if (client < 0) continue;
    if (down_) {
      ::close(client);
      continue;
    }
    const int server = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(serverPort_));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(server, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      ::close(server);
      ::close(client);
      continue;
    }
    auto link = std::make_shared<Link>();
    link->client = client;
    link->server = server;
    std::lock_guard lock(mutex_);
    links_.push_back(link);
    threads_.emplace_back([this, link] { pumpFromClient(link); });
    threads_.emplace_back([this, link] { pumpFromServer(link); });
  }
}

bool CommitCutProxy::shouldCut(Link& link, char type, const std::string& payload) {
  std::string text;  // the statement the message runs, if it runs one
  if (type == 'P') {
    auto [name, parsed] = parsedStatement(payload);
    link.statements[name] = parsed;
    return false;
  }
  if (type == 'Q') text = payload;
  if (type == 'B') {
    const std::size_t portalEnd = payload.find('\0');
    const std::size_t nameEnd = payload.find('\0', portalEnd + 1);
    auto known = link.statements.find(payload.substr(portalEnd + 1, nameEnd - portalEnd - 1));
    if (known != link.statements.end()) text = known->second;
  }
  if (text.empty()) return false;
  std::lock_guard lock(mutex_);
  if (marker_.empty()) return false;
  if (!link.marked) {
    // The transaction that writes the marker's idempotency record (the request's own writes).
    link.marked = text.find("INSERT INTO idempotency_records") != std::string::npos &&
                  payload.find(marker_) != std::string::npos;
    return false;
  }
  if (!isCommit(text)) return false;
  marker_.clear();  // once
  return true;
}

void CommitCutProxy::pumpFromClient(const std::shared_ptr<Link>& link) {
  std::string buffer;
  char chunk[65536];
  for (;;) {
    const ssize_t got = ::recv(link->client, chunk, sizeof chunk, 0);
    if (got <= 0) break;
    buffer.append(chunk, static_cast<std::size_t>(got));
    // Whole messages only: the startup packet (length first), then type, length, payload.
    std::size_t used = 0;
    bool cut = false;
    for (;;) {
      const std::size_t header = link->startupDone ? 5 : 4;
      if (buffer.size() - used < header) break;
      const char* at = buffer.data() + used;
      const uint32_t length = bigEndian32(at + header - 4);
      const std::size_t whole = header - 4 + length;
      if (buffer.size() - used < whole) break;
      if (!link->startupDone) {
        // SSLRequest / GSSENCRequest (80877103 / 80877104) are followed by the real startup.
        const uint32_t code = length >= 8 ? bigEndian32(at + 4) : 0;
        if (code != 80877103 && code != 80877104) link->startupDone = true;
      } else if (!cut) {
        cut = shouldCut(*link, at[0], std::string(at + 5, length - 4));
      }
      used += whole;
    }
    if (cut) link->muted = true;  // before the COMMIT reaches the server: its answer is lost
    if (used > 0) {
      if (!sendAll(link->server, buffer.data(), used)) break;
      buffer.erase(0, used);
    }
    if (cut) {
      // Let the server commit, then break the connection both ways.
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      ++cuts_;
      break;
    }
  }
  ::shutdown(link->client, SHUT_RDWR);
  ::shutdown(link->server, SHUT_RDWR);
}

void CommitCutProxy::pumpFromServer(const std::shared_ptr<Link>& link) {
  char chunk[65536];
  for (;;) {
    const ssize_t got = ::recv(link->server, chunk, sizeof chunk, 0);
    if (got <= 0) break;
    if (link->muted) continue;
    if (!sendAll(link->client, chunk, static_cast<std::size_t>(got))) break;
  }
  ::shutdown(link->client, SHUT_RDWR);
  ::shutdown(link->server, SHUT_RDWR);
}

}  // namespace vo::e2e::production
