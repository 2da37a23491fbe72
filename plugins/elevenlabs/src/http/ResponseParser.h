#pragma once

#include <http_parser.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace vo::elevenlabs::http {

// One response's bytes -> status, Retry-After and body, with Debian's nodejs/http-parser 2.9
// doing the HTTP/1.x grammar (Content-Length, chunked and close-delimited bodies). Interim 1xx
// answers are skipped. Owned by one connection; reset() before each request.
class ResponseParser {
 public:
  static constexpr std::size_t kMaxBodyBytes = 1024 * 1024;

  enum class Status {
    kNeedMore,  // every byte used, the response is not complete yet
    kComplete,  // the response is whole; bytes after it were not used
    kFailed,    // malformed, or the body is over kMaxBodyBytes: error() says why
  };

  ResponseParser();
  ResponseParser(const ResponseParser&) = delete;
  ResponseParser& operator=(const ResponseParser&) = delete;

  // Ready for the answer to a new request; a HEAD's answer has no body.
  void reset(bool headRequest);
  // Parses `data`; `consumed` (when not null) is set to the bytes used.
  Status feed(std::string_view data, std::size_t* consumed = nullptr);
  // The connection reached its end: completes a close-delimited body, fails anything else.
  Status finish();

  bool headersComplete() const { return headersComplete_; }
  int status() const { return status_; }
  const std::string& retryAfter() const { return retryAfter_; }
  std::string& body() { return body_; }
  const std::string& error() const { return error_; }
  // Whether the connection may carry another request after this complete response.
  bool keepAlive() const { return keepAlive_; }

 private:
  static int onMessageBegin(http_parser* parser);
  static int onHeaderField(http_parser* parser, const char* at, std::size_t length);
  static int onHeaderValue(http_parser* parser, const char* at, std::size_t length);
  static int onHeadersComplete(http_parser* parser);
  static int onBody(http_parser* parser, const char* at, std::size_t length);
  static int onMessageComplete(http_parser* parser);
  static const http_parser_settings kSettings;

  void endHeader();
  Status afterExecute(std::size_t length, std::size_t used, std::size_t* consumed);

  http_parser parser_{};
  bool headRequest_ = false;
  bool headersComplete_ = false;
  bool complete_ = false;
  bool keepAlive_ = false;
  int status_ = 0;
  std::string field_;
  std::string value_;
  bool inValue_ = false;
  std::string retryAfter_;
  std::string body_;
  std::string error_;
};

}  // namespace vo::elevenlabs::http
