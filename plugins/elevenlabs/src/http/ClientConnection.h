#pragma once

#include <openssl/ssl.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "ApiClient.h"
#include "http/HostResolver.h"
#include "http/ResponseParser.h"

namespace vo::elevenlabs::http {

// One connection to the API host: a non-blocking socket, TLS when the client has a context,
// the request being written and the parser of its answer. It carries one exchange at a time
// and knows how far that exchange got. Driven by the client's loop thread only.
class ClientConnection {
 public:
  enum class Phase {
    kConnecting,   // TCP connect in progress
    kHandshaking,  // TLS handshake in progress
    kWriting,      // writing the request
    kReading,      // the request is written whole; reading the answer
    kIdle,         // kept alive between exchanges
    kBroken,       // failed or done with: to be closed
  };
  // What the socket must become ready for before drive() can go on.
  enum class Wait { kRead, kWrite, kNothing };

  // `tls` null: plain HTTP. `host` is the name sent in SNI and checked in the certificate.
  // `scratch` receives each read before it is parsed: one buffer serves every connection of the
  // loop, as nothing stays in it between two calls.
  ClientConnection(uint64_t id, SSL_CTX* tls, const std::string& host, bool verifyHost,
                   std::span<char> scratch);
  ~ClientConnection();
  ClientConnection(const ClientConnection&) = delete;
  ClientConnection& operator=(const ClientConnection&) = delete;

  uint64_t id() const { return id_; }
  int fd() const { return fd_; }
  // Changes whenever the connection moves to a new socket (the next address): the old one left
  // epoll when it closed, the new one must be added even if it got the same number.
  uint64_t socketGeneration() const { return socketGeneration_; }
  Phase phase() const { return phase_; }

  // Starts connecting for the exchange whose request is `wire` (trying each address in turn
  // while none has taken the request); then drive() on readiness.
  void open(AddressList addresses, std::string wire, bool head);
  // Starts the next exchange on this kept-alive connection.
  void reuse(std::string wire, bool head);

  struct Step {
    Wait wait = Wait::kNothing;
    bool progressed = false;  // bytes moved, or the phase changed: the deadline moves on
  };
  // Goes as far as the socket allows. Once the phase is kIdle or kBroken the exchange is over:
  // takeExchange().
  Step drive();
  // Ends the exchange in progress with `error` (a timeout, the client stopping).
  void fail(const std::string& error);
  // Ends the exchange in progress because the client stops: as fail(), except that a request
  // partly written counts as maybe sent.
  void stop(const std::string& error);
  Exchange takeExchange() { return std::move(exchange_); }

  // An idle connection became readable: the server closed it or sent something unasked. Either
  // way it is not used again (TLS records that carry no data, such as session tickets, excepted).
  bool stillIdleAfterReadable();
  // The zero-timeout check before an idle connection takes a request.
  bool healthyForReuse();

 private:
  bool startConnect();
  void connectFailed(const std::string& error);
  bool finishConnect();
  bool handshake();
  bool writeSome(Step& step);
  bool readSome(Step& step);
  void answerEnded(ResponseParser::Status status, bool reusable);
  // The parser's status, Retry-After and body into the exchange, which is then answered.
  void takeAnswer();
  // Reads into buffer_: >0 bytes, 0 end of stream, -1 would block (wait_ set), -2 error.
  long receive();
  std::string tlsError(int result, const char* what);

  const uint64_t id_;
  SSL_CTX* const tls_;
  const std::string host_;
  const bool verifyHost_;
  int fd_ = -1;
  uint64_t socketGeneration_ = 0;
  SSL* ssl_ = nullptr;
  Phase phase_ = Phase::kConnecting;
  Wait wait_ = Wait::kNothing;

  AddressList addresses_;
  std::size_t addressIndex_ = 0;
  std::string connectErrors_;
  std::string readError_;

  std::string wire_;
  std::size_t written_ = 0;
  bool head_ = false;
  ResponseParser parser_;
  Exchange exchange_;
  const std::span<char> buffer_;
};

}  // namespace vo::elevenlabs::http
