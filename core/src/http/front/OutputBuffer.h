#pragma once

#include <cstddef>
#include <deque>
#include <string>

#include "http/ApiMessage.h"

namespace vo::core::http {

// Bytes waiting to go out on one non-blocking socket: answers serialized as HTTP/1.1, kept as
// separate pieces (head, body) so a large body is never copied. Not thread-safe: owned by
// whichever thread owns the connection.
class OutputBuffer {
 public:
  // Appends `response` as an HTTP/1.1 answer. `close` adds Connection: close; `headOnly` (HEAD)
  // leaves the body out but keeps its Content-Length.
  void appendResponse(ApiResponse response, bool close, bool headOnly);
  void appendRaw(std::string bytes);

  enum class Flush { Done, WouldBlock, Failed };
  // Sends as much as the socket takes without blocking.
  Flush flushTo(int fd);
  bool empty() const { return pieces_.empty(); }

 private:
  std::deque<std::string> pieces_;
  std::size_t sentOfFirst_ = 0;  // bytes of pieces_.front() already sent
};

}  // namespace vo::core::http
