#include "http/ClientConnection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

namespace vo::elevenlabs::http {
namespace {

std::string systemError(const char* what, int error) {
  return std::string(what) + ": " + std::strerror(error);
}

bool isIpLiteral(const std::string& host) {
  in6_addr address{};
  return inet_pton(AF_INET, host.c_str(), &address) == 1 ||
         inet_pton(AF_INET6, host.c_str(), &address) == 1;
}

}  // namespace

ClientConnection::ClientConnection(uint64_t id, SSL_CTX* tls, const std::string& host,
                                   bool verifyHost, std::span<char> scratch)
    : id_(id), tls_(tls), host_(host), verifyHost_(verifyHost), buffer_(scratch) {}

ClientConnection::~ClientConnection() {
  // No close_notify: the connection is broken or done with, and the server needs no notice.
  if (ssl_ != nullptr) SSL_free(ssl_);
  if (fd_ >= 0) ::close(fd_);
}

void ClientConnection::open(AddressList addresses, std::string wire, bool head) {
  addresses_ = std::move(addresses);
  addressIndex_ = 0;
  wire_ = std::move(wire);
  written_ = 0;
  head_ = head;
  exchange_ = Exchange{};
  phase_ = Phase::kConnecting;
  startConnect();
}

void ClientConnection::reuse(std::string wire, bool head) {
  wire_ = std::move(wire);
  written_ = 0;
  head_ = head;
  exchange_ = Exchange{};
  phase_ = Phase::kWriting;
  wait_ = Wait::kWrite;
}

// Tries the addresses from addressIndex_ on until one connects or is in progress. Trying the
// next address is safe: nothing of the request was written on the ones that failed.
bool ClientConnection::startConnect() {
  while (addresses_ != nullptr && addressIndex_ < addresses_->size()) {
    const SocketAddress& address = (*addresses_)[addressIndex_];
    if (fd_ >= 0) ::close(fd_);
    fd_ = ::socket(address.storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
      connectFailed(systemError("socket", errno));
      return false;
    }
    ++socketGeneration_;
    const int on = 1;
    // The request goes out in one or two writes: no reason to hold the last segment back.
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address.storage), address.length) == 0 ||
        errno == EINPROGRESS) {
      wait_ = Wait::kWrite;  // connect() done or under way: writable once it is settled
      return true;
    }
    connectErrors_ = systemError("connect", errno);
    ++addressIndex_;
  }
  connectFailed(connectErrors_.empty() ? "no address to connect to" : connectErrors_);
  return false;
}

void ClientConnection::connectFailed(const std::string& error) {
  exchange_.stage = ExchangeStage::kNotSent;
  exchange_.error = error;
  phase_ = Phase::kBroken;
}

bool ClientConnection::finishConnect() {
  int error = 0;
  socklen_t length = sizeof(error);
  if (getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
  if (error != 0) {
    connectErrors_ = systemError("connect", error);
    ++addressIndex_;
    startConnect();
    return phase_ == Phase::kBroken;
  }
  if (tls_ == nullptr) {
    phase_ = Phase::kWriting;
    return true;
  }
  ssl_ = SSL_new(tls_);
  if (ssl_ == nullptr || SSL_set_fd(ssl_, fd_) != 1) {
    connectFailed("cannot set up TLS on the connection");
    return true;
  }
  const bool ipLiteral = isIpLiteral(host_);
  // SNI carries host names only (RFC 6066); an address is checked against the IP SANs.
  if (!ipLiteral) SSL_set_tlsext_host_name(ssl_, host_.c_str());
  if (verifyHost_) {
    const int set = ipLiteral ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), host_.c_str())
                              : SSL_set1_host(ssl_, host_.c_str());
    if (set != 1) {
      connectFailed("cannot set the TLS host name to verify");
      return true;
    }
  }
  phase_ = Phase::kHandshaking;
  return true;
}

std::string ClientConnection::tlsError(int result, const char* what) {
  const int code = SSL_get_error(ssl_, result);
  std::string text = what;
  // Without verification OpenSSL still records what it found: only a refusal is reported.
  const long verified = verifyHost_ ? SSL_get_verify_result(ssl_) : X509_V_OK;
  if (verified != X509_V_OK) {
    return text + ": certificate refused: " + X509_verify_cert_error_string(verified);
  }
  if (const unsigned long queued = ERR_get_error(); queued != 0) {
    char reason[256];
    ERR_error_string_n(queued, reason, sizeof(reason));
    return text + ": " + reason;
  }
  if (code == SSL_ERROR_SYSCALL && errno != 0) return systemError(what, errno);
  if (code == SSL_ERROR_SYSCALL || code == SSL_ERROR_ZERO_RETURN) {
    return text + ": the connection closed";
  }
  return text + ": TLS error " + std::to_string(code);
}

bool ClientConnection::handshake() {
  ERR_clear_error();
  const int result = SSL_connect(ssl_);
  if (result == 1) {
    phase_ = Phase::kWriting;
    return true;
  }
  switch (SSL_get_error(ssl_, result)) {
    case SSL_ERROR_WANT_READ:
      wait_ = Wait::kRead;
      return false;
    case SSL_ERROR_WANT_WRITE:
      wait_ = Wait::kWrite;
      return false;
    default:
      connectFailed(tlsError(result, "TLS handshake failed"));
      return true;
  }
}

bool ClientConnection::writeSome(Step& step) {
  while (written_ < wire_.size()) {
    const std::size_t remaining = wire_.size() - written_;
    if (ssl_ != nullptr) {
      ERR_clear_error();
      const int chunk = remaining > INT_MAX ? INT_MAX : static_cast<int>(remaining);
      const int sent = SSL_write(ssl_, wire_.data() + written_, chunk);
      if (sent > 0) {
        written_ += static_cast<std::size_t>(sent);
        step.progressed = true;
        continue;
      }
      const int code = SSL_get_error(ssl_, sent);
      if (code == SSL_ERROR_WANT_WRITE || code == SSL_ERROR_WANT_READ) {
        wait_ = code == SSL_ERROR_WANT_WRITE ? Wait::kWrite : Wait::kRead;
        return false;
      }
      connectFailed(tlsError(sent, "write failed"));
      return true;
    }
    const ssize_t sent = ::send(fd_, wire_.data() + written_, remaining, MSG_NOSIGNAL);
    if (sent > 0) {
      written_ += static_cast<std::size_t>(sent);
      step.progressed = true;
      continue;
    }
    if (sent < 0 && errno == EINTR) continue;
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      wait_ = Wait::kWrite;
      return false;
    }
    connectFailed(systemError("write failed", sent < 0 ? errno : EPIPE));
    return true;
  }
  // From here on the API may act on the request: no failure below may say "not sent".
  wire_.clear();
  wire_.shrink_to_fit();
  parser_.reset(head_);
  phase_ = Phase::kReading;
  step.progressed = true;
  // No answer comes within the microseconds since the request left: wait for the socket to be
  // readable instead of trying a read that would find nothing (one recv per dial saved).
  wait_ = Wait::kRead;
  return false;
}

long ClientConnection::receive() {
  if (ssl_ != nullptr) {
    ERR_clear_error();
    const int got = SSL_read(ssl_, buffer_.data(), static_cast<int>(buffer_.size()));
    if (got > 0) return got;
    const int code = SSL_get_error(ssl_, got);
    if (code == SSL_ERROR_ZERO_RETURN) return 0;
    if (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE) {
      wait_ = code == SSL_ERROR_WANT_READ ? Wait::kRead : Wait::kWrite;
      return -1;
    }
    readError_ = tlsError(got, "read failed");
    return -2;
  }
  while (true) {
    const ssize_t got = ::recv(fd_, buffer_.data(), buffer_.size(), 0);
    if (got >= 0) return got;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      wait_ = Wait::kRead;
      return -1;
    }
    readError_ = systemError("read failed", errno);
    return -2;
  }
}

bool ClientConnection::readSome(Step& step) {
  while (true) {
    const long got = receive();
    if (got == -1) return false;
    if (got == -2) {
      fail(readError_);
      return true;
    }
    if (got == 0) {
      const auto status = parser_.finish();
      answerEnded(status, false);
      return true;
    }
    step.progressed = true;
    std::size_t used = 0;
    const auto status = parser_.feed(std::string_view(buffer_.data(), got), &used);
    if (status == ResponseParser::Status::kNeedMore) continue;
    // Bytes after the answer were not asked for: the connection is not trusted again.
    const bool clean =
        used == static_cast<std::size_t>(got) && (ssl_ == nullptr || SSL_pending(ssl_) == 0);
    answerEnded(status, clean);
    return true;
  }
}

void ClientConnection::answerEnded(ResponseParser::Status status, bool reusable) {
  const bool complete = status == ResponseParser::Status::kComplete;
  if (!complete) {
    fail(parser_.error());
    return;
  }
  takeAnswer();
  phase_ = reusable && parser_.keepAlive() ? Phase::kIdle : Phase::kBroken;
  wait_ = Wait::kRead;
}

void ClientConnection::takeAnswer() {
  exchange_.stage = ExchangeStage::kAnswered;
  exchange_.status = parser_.status();
  exchange_.retryAfter = parser_.retryAfter();
  exchange_.body = std::move(parser_.body());
}

void ClientConnection::fail(const std::string& error) {
  switch (phase_) {
    case Phase::kConnecting:
    case Phase::kHandshaking:
    case Phase::kWriting:
      connectFailed(error);
      return;
    case Phase::kReading:
      if (parser_.headersComplete()) {
        // The status and headers came: that is an answer, with as much body as arrived.
        takeAnswer();
      } else {
        exchange_.stage = ExchangeStage::kNoAnswer;
      }
      exchange_.error = error;
      phase_ = Phase::kBroken;
      return;
    case Phase::kIdle:
    case Phase::kBroken:
      phase_ = Phase::kBroken;
      return;
  }
}

void ClientConnection::stop(const std::string& error) {
  if (phase_ == Phase::kWriting && written_ > 0) {
    exchange_.stage = ExchangeStage::kNoAnswer;
    exchange_.error = error;
    phase_ = Phase::kBroken;
    return;
  }
  fail(error);
}

ClientConnection::Step ClientConnection::drive() {
  Step step;
  while (true) {
    bool moved = false;
    switch (phase_) {
      case Phase::kConnecting:
        moved = finishConnect();
        break;
      case Phase::kHandshaking:
        moved = handshake();
        break;
      case Phase::kWriting:
        moved = writeSome(step);
        break;
      case Phase::kReading:
        moved = readSome(step);
        break;
      case Phase::kIdle:
      case Phase::kBroken:
        step.wait = Wait::kNothing;
        return step;
    }
    if (!moved) {
      step.wait = wait_;
      return step;
    }
  }
}

bool ClientConnection::stillIdleAfterReadable() {
  if (ssl_ == nullptr) return false;  // an end of stream, or bytes nobody asked for
  ERR_clear_error();
  const int got = SSL_read(ssl_, buffer_.data(), static_cast<int>(buffer_.size()));
  // Only records without data (a TLS 1.3 session ticket) leave it waiting for more.
  return got <= 0 && SSL_get_error(ssl_, got) == SSL_ERROR_WANT_READ;
}

bool ClientConnection::healthyForReuse() {
  if (ssl_ != nullptr && SSL_pending(ssl_) > 0) return false;
  char byte = 0;
  const ssize_t peeked = ::recv(fd_, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (peeked < 0) return errno == EAGAIN || errno == EWOULDBLOCK;
  if (peeked == 0) return false;  // the server closed it
  return stillIdleAfterReadable() && healthyForReuse();
}

}  // namespace vo::elevenlabs::http
