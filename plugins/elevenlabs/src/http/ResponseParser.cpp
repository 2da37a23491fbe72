#include "http/ResponseParser.h"

#include <strings.h>

namespace vo::elevenlabs::http {
namespace {

ResponseParser& self(http_parser* parser) {
  return *static_cast<ResponseParser*>(parser->data);
}

// A callback returning this stops the parser (HPE_CB_*); the reason is recorded before.
constexpr int kStop = 1;
// on_headers_complete returning this tells the parser that no body follows (a HEAD's answer).
constexpr int kNoBody = 1;

}  // namespace

const http_parser_settings ResponseParser::kSettings = [] {
  http_parser_settings settings;
  http_parser_settings_init(&settings);
  settings.on_message_begin = &ResponseParser::onMessageBegin;
  settings.on_header_field = &ResponseParser::onHeaderField;
  settings.on_header_value = &ResponseParser::onHeaderValue;
  settings.on_headers_complete = &ResponseParser::onHeadersComplete;
  settings.on_body = &ResponseParser::onBody;
  settings.on_message_complete = &ResponseParser::onMessageComplete;
  return settings;
}();

ResponseParser::ResponseParser() {
  reset(false);
}

void ResponseParser::reset(bool headRequest) {
  http_parser_init(&parser_, HTTP_RESPONSE);
  parser_.data = this;
  headRequest_ = headRequest;
  headersComplete_ = false;
  complete_ = false;
  keepAlive_ = false;
  status_ = 0;
  field_.clear();
  value_.clear();
  inValue_ = false;
  retryAfter_.clear();
  body_.clear();
  error_.clear();
}

ResponseParser::Status ResponseParser::feed(std::string_view data, std::size_t* consumed) {
  if (complete_) {
    if (consumed != nullptr) *consumed = 0;
    return Status::kComplete;
  }
  if (!error_.empty()) return Status::kFailed;
  const std::size_t used = http_parser_execute(&parser_, &kSettings, data.data(), data.size());
  return afterExecute(data.size(), used, consumed);
}

ResponseParser::Status ResponseParser::finish() {
  if (complete_) return Status::kComplete;
  if (!error_.empty()) return Status::kFailed;
  // A zero-length execute tells the parser the stream ended: it completes a body that runs
  // until the connection closes, and reports anything else cut short as an error.
  http_parser_execute(&parser_, &kSettings, nullptr, 0);
  if (complete_) return Status::kComplete;
  if (error_.empty()) {
    error_ = headersComplete_ ? "the connection closed before the whole answer body came"
                              : "the connection closed before an answer";
  }
  return Status::kFailed;
}

ResponseParser::Status ResponseParser::afterExecute(std::size_t length, std::size_t used,
                                                    std::size_t* consumed) {
  if (consumed != nullptr) *consumed = used;
  const auto error = HTTP_PARSER_ERRNO(&parser_);
  if (complete_) return Status::kComplete;  // stopped (paused) right after the response
  if (!error_.empty()) return Status::kFailed;
  if (error != HPE_OK || used != length) {
    error_ = std::string("malformed HTTP answer: ") + http_errno_description(error);
    return Status::kFailed;
  }
  return Status::kNeedMore;
}

void ResponseParser::endHeader() {
  if (!inValue_) return;
  if (field_.size() == 11 && strncasecmp(field_.data(), "retry-after", 11) == 0) {
    retryAfter_ = value_;
  }
  field_.clear();
  value_.clear();
  inValue_ = false;
}

int ResponseParser::onMessageBegin(http_parser* parser) {
  ResponseParser& parse = self(parser);
  parse.headersComplete_ = false;
  parse.retryAfter_.clear();
  parse.body_.clear();
  return 0;
}

int ResponseParser::onHeaderField(http_parser* parser, const char* at, std::size_t length) {
  ResponseParser& parse = self(parser);
  parse.endHeader();
  parse.field_.append(at, length);
  return 0;
}

int ResponseParser::onHeaderValue(http_parser* parser, const char* at, std::size_t length) {
  ResponseParser& parse = self(parser);
  parse.inValue_ = true;
  parse.value_.append(at, length);
  return 0;
}

int ResponseParser::onHeadersComplete(http_parser* parser) {
  ResponseParser& parse = self(parser);
  parse.endHeader();
  parse.status_ = static_cast<int>(parser->status_code);
  // An interim answer (100 Continue, 103 Early Hints) is followed by the real one.
  if (parse.status_ / 100 == 1) return 0;
  parse.headersComplete_ = true;
  return parse.headRequest_ ? kNoBody : 0;
}

int ResponseParser::onBody(http_parser* parser, const char* at, std::size_t length) {
  ResponseParser& parse = self(parser);
  if (parse.body_.size() + length > kMaxBodyBytes) {
    parse.body_.append(at, kMaxBodyBytes - parse.body_.size());
    parse.error_ = "the answer body is over 1 MiB";
    return kStop;
  }
  parse.body_.append(at, length);
  return 0;
}

int ResponseParser::onMessageComplete(http_parser* parser) {
  ResponseParser& parse = self(parser);
  if (!parse.headersComplete_) return 0;  // an interim answer: the parser reads the next one
  parse.complete_ = true;
  parse.keepAlive_ = http_should_keep_alive(parser) != 0;
  // Pausing stops the parser right after this response: any byte after it is not ours to use.
  http_parser_pause(parser, 1);
  return 0;
}

}  // namespace vo::elevenlabs::http
