#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace vo::core::http {

// What the HTTP front allows one connection, in one place so the slowloris bounds (issue 10:
// whole-request deadline, minimum body rate, connection and queue bounds) land here as fields.
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
  // From a request's first byte to the end of its headers.
  std::chrono::milliseconds headerDeadline{15000};
  // The body and the answer must make progress at least this often.
  std::chrono::milliseconds stallTimeout{15000};
  // A request announcing a larger body (or a chunked one) is checked on its headers first
  // (route, key, media type): a refusal is answered before a byte of the body is read.
  int64_t checkHeadersAboveBytes = 64 * 1024;
};

}  // namespace vo::core::http
