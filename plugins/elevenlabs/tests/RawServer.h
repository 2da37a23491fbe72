#pragma once

#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace vo::elevenlabs::testing {

// One accepted connection of a RawServer, over TLS when the server has a context. Blocking.
class RawConnection {
 public:
  RawConnection(int fd, SSL* ssl) : fd_(fd), ssl_(ssl) {}

  // Bytes read into `buffer`; 0 at the end of the stream or on an error.
  size_t readSome(char* buffer, size_t size) {
    if (ssl_ != nullptr) {
      const int got = SSL_read(ssl_, buffer, static_cast<int>(size));
      return got > 0 ? static_cast<size_t>(got) : 0;
    }
    const ssize_t got = ::recv(fd_, buffer, size, 0);
    return got > 0 ? static_cast<size_t>(got) : 0;
  }

  // One request's head and Content-Length body; "" when the stream ended first.
  std::string readRequest() {
    while (true) {
      const size_t end = pending_.find("\r\n\r\n");
      if (end != std::string::npos) {
        size_t bodyLength = 0;
        std::string head = pending_.substr(0, end + 4);
        std::string lower = head;
        std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
        const size_t field = lower.find("content-length:");
        if (field != std::string::npos) bodyLength = std::stoul(lower.substr(field + 15));
        if (pending_.size() >= end + 4 + bodyLength) {
          std::string request = pending_.substr(0, end + 4 + bodyLength);
          pending_.erase(0, request.size());
          return request;
        }
      }
      char buffer[4096];
      const size_t got = readSome(buffer, sizeof(buffer));
      if (got == 0) return "";
      pending_.append(buffer, got);
    }
  }

  // Reads until the peer closes (or the server stops).
  void readUntilClosed() {
    char buffer[4096];
    while (readSome(buffer, sizeof(buffer)) > 0) {
    }
  }

  void shutdownWrite() { ::shutdown(fd_, SHUT_WR); }

  void write(const std::string& data) {
    size_t written = 0;
    while (written < data.size()) {
      const ssize_t sent =
          ssl_ != nullptr
              ? SSL_write(ssl_, data.data() + written, static_cast<int>(data.size() - written))
              : ::send(fd_, data.data() + written, data.size() - written, MSG_NOSIGNAL);
      if (sent <= 0) return;
      written += static_cast<size_t>(sent);
    }
  }

 private:
  int fd_;
  SSL* ssl_;
  std::string pending_;
};

// A small HTTP server on 127.0.0.1 for the client's tests: a thread per connection runs the
// test's handler, and the server counts connections, requests and closes, so a test can wait for
// them and check what the client did on the wire.
class RawServer {
 public:
  using Handler = std::function<void(RawServer&, RawConnection&)>;

  explicit RawServer(Handler handler, SSL_CTX* tls = nullptr)
      : handler_(std::move(handler)), tls_(tls) {
    listenFd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int on = 1;
    setsockopt(listenFd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listenFd_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    socklen_t length = sizeof(address);
    getsockname(listenFd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    ::listen(listenFd_, 512);
    acceptor_ = std::thread([this] { acceptLoop(); });
  }

  ~RawServer() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      for (const int fd : open_) ::shutdown(fd, SHUT_RDWR);
    }
    ::shutdown(listenFd_, SHUT_RDWR);
    acceptor_.join();
    for (std::thread& worker : workers_) worker.join();
    ::close(listenFd_);
  }

  int port() const { return port_; }
  std::string baseUrl(const std::string& scheme = "http") const {
    return scheme + "://127.0.0.1:" + std::to_string(port_);
  }

  // For handlers: one more request read.
  void countRequest() {
    std::lock_guard lock(mutex_);
    ++requests_;
    changed_.notify_all();
  }

  int connections() const { return counter(connections_); }
  int requests() const { return counter(requests_); }
  int closed() const { return counter(closed_); }
  int peakOpen() const { return counter(peakOpen_); }
  void waitForRequests(int count) { waitFor(requests_, count); }
  void waitForClosed(int count) { waitFor(closed_, count); }

 private:
  int counter(const int& value) const {
    std::lock_guard lock(mutex_);
    return value;
  }
  void waitFor(const int& value, int count) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return value >= count; });
  }

  void acceptLoop() {
    while (true) {
      const int fd = ::accept4(listenFd_, nullptr, nullptr, SOCK_CLOEXEC);
      std::lock_guard lock(mutex_);
      if (fd < 0 || stopping_) {
        if (fd >= 0) ::close(fd);
        return;
      }
      ++connections_;
      open_.push_back(fd);
      peakOpen_ = std::max(peakOpen_, static_cast<int>(open_.size()));
      workers_.emplace_back([this, fd] { serve(fd); });
    }
  }

  void serve(int fd) {
    SSL* ssl = nullptr;
    bool ready = true;
    if (tls_ != nullptr) {
      ssl = SSL_new(tls_);
      SSL_set_fd(ssl, fd);
      ready = SSL_accept(ssl) == 1;
    }
    if (ready) {
      RawConnection connection(fd, ssl);
      handler_(*this, connection);
    }
    if (ssl != nullptr) SSL_free(ssl);
    std::lock_guard lock(mutex_);
    open_.erase(std::find(open_.begin(), open_.end(), fd));
    ::close(fd);
    ++closed_;
    changed_.notify_all();
  }

  Handler handler_;
  SSL_CTX* tls_;
  int listenFd_ = -1;
  int port_ = 0;
  std::thread acceptor_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool stopping_ = false;
  std::vector<int> open_;
  std::vector<std::thread> workers_;
  int connections_ = 0;
  int requests_ = 0;
  int closed_ = 0;
  int peakOpen_ = 0;
};

// Relays every connection to `targetPort` (a RawServer's handler), so the server's counts say
// how many connections the client kept open at once in front of any server.
inline RawServer::Handler relayTo(int targetPort) {
  return [targetPort](RawServer&, RawConnection& client) {
    const int upstream = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<uint16_t>(targetPort));
    if (::connect(upstream, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
      ::close(upstream);
      return;
    }
    std::thread back([&client, upstream] {
      char buffer[16384];
      ssize_t got;
      while ((got = ::recv(upstream, buffer, sizeof(buffer), 0)) > 0) {
        client.write(std::string(buffer, static_cast<size_t>(got)));
      }
      client.shutdownWrite();
    });
    char buffer[16384];
    size_t got;
    while ((got = client.readSome(buffer, sizeof(buffer))) > 0) {
      ::send(upstream, buffer, got, MSG_NOSIGNAL);
    }
    ::shutdown(upstream, SHUT_RDWR);
    back.join();
    ::close(upstream);
  };
}

}  // namespace vo::elevenlabs::testing
