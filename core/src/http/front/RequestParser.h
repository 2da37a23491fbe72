#pragma once

#include <http_parser.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/ApiMessage.h"
#include "http/front/FrontLimits.h"

namespace vo::core::http {

// One connection's incoming byte stream -> complete ApiRequests, one at a time, with the
// Debian-packaged http-parser (nodejs/http-parser 2.9) doing the HTTP/1.x grammar: request
// line, headers, Content-Length and chunked bodies. A request without Content-Length and
// without Transfer-Encoding has an empty body and is complete at the end of its headers.
// Not thread-safe: owned by whichever thread owns the connection.
class RequestParser {
 public:
  explicit RequestParser(const FrontLimits& limits);
  RequestParser(const RequestParser&) = delete;
  RequestParser& operator=(const RequestParser&) = delete;

  enum class Status {
    NeedMore,         // every byte was used; the request is not complete yet
    HeadersComplete,  // a large body follows: check headers() first, then resumeBody()
    Complete,         // a request is ready: takeRequest(); bytes after it belong to the next one
    Refused,          // the request is refused: takeRefusal(); the connection must close after it
  };
  struct Step {
    Status status;
    std::size_t consumed;  // bytes of `data` used
  };
  // Parses `data`, stopping at the end of a request so pipelined requests are answered in order.
  Step feed(std::string_view data);

  // The complete request. Parsing goes on with the next one.
  ApiRequest takeRequest();
  // After HeadersComplete: the request so far (method, path, query, headers; no body).
  ApiRequest headers() const;
  // After HeadersComplete, once the headers are accepted: feed() reads the body again.
  void resumeBody();
  // The answer to a refused request (400, 413, 431, 505).
  ApiResponse takeRefusal();
  // Whether the connection stays open after answering the request just taken (HTTP/1.1 default,
  // HTTP/1.0 keep-alive, no Connection: close, no Upgrade).
  bool keepAlive() const { return keepAlive_; }
  // The request just taken was HEAD: its answer has headers only.
  bool headOnly() const { return headOnly_; }
  // True once per request that sent `Expect: 100-continue` and whose body is acceptable: the
  // client waits for an interim "100 Continue" before sending the body.
  bool takeContinue();
  // Some bytes of a request have arrived but not all of them.
  bool midRequest() const { return phase_ != Phase::Idle; }
  bool inBody() const { return phase_ == Phase::Body; }
  // Body bytes of the current request received so far.
  std::size_t bodyBytes() const { return request_.body.size(); }

 private:
  enum class Phase { Idle, Headers, Body };

  static int onMessageBegin(http_parser* parser);
  static int onUrl(http_parser* parser, const char* at, std::size_t length);
  static int onHeaderField(http_parser* parser, const char* at, std::size_t length);
  static int onHeaderValue(http_parser* parser, const char* at, std::size_t length);
  static int onHeadersComplete(http_parser* parser);
  static int onBody(http_parser* parser, const char* at, std::size_t length);
  static int onMessageComplete(http_parser* parser);
  static const http_parser_settings kSettings;

  bool countHeaderBytes(std::size_t length);
  void endHeaderLine();
  int headersComplete();
  void refuse(ApiError error);

  const int64_t maxBodyBytes_;
  const std::size_t maxHeaderBytes_;
  const int64_t checkHeadersAboveBytes_;
  bool pausedAtHeaders_ = false;
  http_parser parser_{};
  Phase phase_ = Phase::Idle;
  ApiRequest request_;
  std::string url_;
  std::string field_;
  std::string value_;
  bool inValue_ = false;
  std::size_t headerBytes_ = 0;
  bool keepAlive_ = true;
  bool headOnly_ = false;
  bool continue_ = false;
  std::optional<ApiResponse> refusal_;
};

}  // namespace vo::core::http
