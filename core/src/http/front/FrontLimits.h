#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace vo::core::http {

// What the HTTP front allows one connection, and how many connections: the slowloris bounds
// (a whole-headers deadline, a minimum body rate, a connection bound, which also bounds the
// requests waiting for a thread: one per connection at most).
struct FrontLimits {
  int64_t maxBodyBytes = 1024 * 1024;      // larger bodies are refused with 413
  std::size_t maxHeaderBytes = 64 * 1024;  // request line and headers; beyond it 431
  // After a refusal, up to this much of what the client still sends is read and dropped before
  // the connection closes: closing on unread bytes makes the kernel reset the connection, and
  // the client would lose the answer mid-send.
  int64_t drainBytes = 64 * 1024 * 1024;
  std::chrono::milliseconds drainTime{5000};  // at most this long in all
  std::chrono::milliseconds drainIdle{1000};  // and no longer than this after the last byte
  // An idle kept-alive connection costs a descriptor and no thread, so it may stay long.
  std::chrono::milliseconds keepAliveIdle{60000};
  // From a request's first byte to the end of its headers (a client sends them in one go).
  std::chrono::milliseconds headerDeadline{5000};
  // The body and the answer must make progress at least this often.
  std::chrono::milliseconds stallTimeout{15000};
  // A request announcing a larger body (or a chunked one) is checked on its headers first
  // (route, key, media type): a refusal is answered before a byte of the body is read.
  int64_t checkHeadersAboveBytes = 64 * 1024;
  // A body must arrive at this average rate, counted from bodyGrace after its first byte was
  // due: a client trickling a byte now and then is closed, a slow link is not.
  int64_t minBodyBytesPerSecond = 16 * 1024;
  std::chrono::milliseconds bodyGrace{10000};
  // Connections open at once; beyond it a new one is closed at accept (and logged).
  std::size_t maxConnections = 10000;
};

}  // namespace vo::core::http
