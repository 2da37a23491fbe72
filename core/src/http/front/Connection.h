#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "http/front/FrontLimits.h"
#include "http/front/OutputBuffer.h"
#include "http/front/RequestParser.h"

namespace vo::core::http {

// One accepted socket and what is in flight on it. Owned by the HttpFront; exactly one thread
// touches it at a time: the event loop, or the worker answering its request (state Handling).
struct Connection {
  using Clock = std::chrono::steady_clock;

  enum class State {
    Reading,   // waiting for (the rest of) a request
    Handling,  // a worker checks the headers, or runs the request and writes the answer
    Writing,   // the loop sends the rest of an answer the socket did not take at once
    Draining,  // answered and half-closed: what the client still sends is read and dropped
  };

  Connection(int fdIn, const FrontLimits& limits) : fd(fdIn), parser(limits) {}
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  const int fd;
  State state = State::Reading;
  RequestParser parser;
  std::string pending;  // received, not parsed yet: the start of the next (pipelined) request
  OutputBuffer output;
  bool closeAfterWrite = false;  // close once the output is sent
  bool refused = false;          // the request was refused unread: drain before closing
  bool broken = false;           // a send failed: the client is gone
  bool headersAccepted = false;  // a worker accepted the headers: read the body next
  bool headerTimed = false;      // the header deadline of the current request is set
  bool bodyTimed = false;        // bodyStartedAt is set for the current request
  Clock::time_point bodyStartedAt{};
  Clock::time_point deadline{};    // when the loop gives up on the connection (not in Handling)
  Clock::time_point drainUntil{};  // the end of Draining, whatever still comes
  int64_t drained = 0;             // bytes dropped while Draining
};

}  // namespace vo::core::http
