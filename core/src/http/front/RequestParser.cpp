#include "http/front/RequestParser.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cctype>

namespace vo::core::http {

namespace {

std::string lowercase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

RequestParser& self(http_parser* parser) {
  return *static_cast<RequestParser*>(parser->data);
}

// A callback returns this to stop the parser on a refusal: it reports HPE_CB_*, and feed()
// answers with the refusal recorded before.
constexpr int kStop = 1;

ApiError parseError(http_errno error) {
  if (error == HPE_HEADER_OVERFLOW) {
    return ApiError{431, "header_too_large", "the request line and headers are too large"};
  }
  return ApiError{400, "invalid_request",
                  std::string("malformed HTTP request: ") + http_errno_description(error)};
}

}  // namespace

const http_parser_settings RequestParser::kSettings = [] {
  http_parser_settings settings;
  http_parser_settings_init(&settings);
  settings.on_message_begin = &RequestParser::onMessageBegin;
  settings.on_url = &RequestParser::onUrl;
  settings.on_header_field = &RequestParser::onHeaderField;
  settings.on_header_value = &RequestParser::onHeaderValue;
  settings.on_headers_complete = &RequestParser::onHeadersComplete;
  settings.on_body = &RequestParser::onBody;
  settings.on_message_complete = &RequestParser::onMessageComplete;
  return settings;
}();

RequestParser::RequestParser(const FrontLimits& limits)
    : maxBodyBytes_(limits.maxBodyBytes),
      maxHeaderBytes_(limits.maxHeaderBytes),
      checkHeadersAboveBytes_(limits.checkHeadersAboveBytes) {
  http_parser_init(&parser_, HTTP_REQUEST);
  parser_.data = this;
}

RequestParser::Step RequestParser::feed(std::string_view data) {
  if (refusal_) return {Status::Refused, 0};
  const std::size_t used = http_parser_execute(&parser_, &kSettings, data.data(), data.size());
  const auto error = HTTP_PARSER_ERRNO(&parser_);
  if (refusal_) return {Status::Refused, used};
  if (error == HPE_PAUSED) {
    // At the end of the headers, it stays paused until resumeBody(); the byte it stopped on is
    // not counted as used, and is fed again then.
    if (pausedAtHeaders_) return {Status::HeadersComplete, used};
    http_parser_pause(&parser_, 0);  // at the end of a request
    return {Status::Complete, used};
  }
  if (error != HPE_OK) {
    refuse(parseError(error));
    return {Status::Refused, used};
  }
  return {Status::NeedMore, used};
}

ApiRequest RequestParser::takeRequest() {
  ApiRequest request = std::move(request_);
  request_ = ApiRequest{};
  return request;
}

ApiRequest RequestParser::headers() const {
  ApiRequest request;
  request.method = request_.method;
  request.path = request_.path;
  request.query = request_.query;
  request.headers = request_.headers;
  return request;
}

void RequestParser::resumeBody() {
  pausedAtHeaders_ = false;
  http_parser_pause(&parser_, 0);
}

ApiResponse RequestParser::takeRefusal() {
  ApiResponse refusal = refusal_ ? std::move(*refusal_) : ApiResponse{};
  return refusal;
}

bool RequestParser::takeContinue() {
  const bool wanted = continue_;
  continue_ = false;
  return wanted;
}

void RequestParser::refuse(ApiError error) {
  refusal_ = errorResponse(error);
}

bool RequestParser::countHeaderBytes(std::size_t length) {
  headerBytes_ += length;
  if (headerBytes_ <= maxHeaderBytes_) return true;
  refuse(ApiError{431, "header_too_large",
                  "the request line and headers are larger than " +
                      std::to_string(maxHeaderBytes_) + " bytes"});
  return false;
}

void RequestParser::endHeaderLine() {
  auto [slot, added] = request_.headers.emplace(lowercase(std::move(field_)), value_);
  if (!added) slot->second += ", " + value_;
  field_.clear();
  value_.clear();
  inValue_ = false;
}

int RequestParser::onMessageBegin(http_parser* parser) {
  RequestParser& me = self(parser);
  me.phase_ = Phase::Headers;
  me.request_ = ApiRequest{};
  me.url_.clear();
  me.field_.clear();
  me.value_.clear();
  me.inValue_ = false;
  me.headerBytes_ = 0;
  me.continue_ = false;
  return 0;
}

int RequestParser::onUrl(http_parser* parser, const char* at, std::size_t length) {
  RequestParser& me = self(parser);
  if (!me.countHeaderBytes(length)) return kStop;
  me.url_.append(at, length);
  return 0;
}

int RequestParser::onHeaderField(http_parser* parser, const char* at, std::size_t length) {
  RequestParser& me = self(parser);
  if (!me.countHeaderBytes(length)) return kStop;
  if (me.inValue_) me.endHeaderLine();
  me.field_.append(at, length);
  return 0;
}

int RequestParser::onHeaderValue(http_parser* parser, const char* at, std::size_t length) {
  RequestParser& me = self(parser);
  if (!me.countHeaderBytes(length)) return kStop;
  me.inValue_ = true;
  me.value_.append(at, length);
  return 0;
}

int RequestParser::onHeadersComplete(http_parser* parser) {
  return self(parser).headersComplete();
}

int RequestParser::headersComplete() {
  if (inValue_ || !field_.empty()) endHeaderLine();
  phase_ = Phase::Body;
  if (parser_.http_major != 1) {
    refuse(ApiError{505, "http_version_not_supported", "only HTTP/1.0 and HTTP/1.1 are served"});
    return kStop;
  }
  request_.method = http_method_str(static_cast<http_method>(parser_.method));
  headOnly_ = parser_.method == HTTP_HEAD;
  try {
    Poco::URI uri(url_);
    request_.path = uri.getPath();
    for (auto& [name, value] : uri.getQueryParameters()) request_.query.emplace_back(name, value);
  } catch (const Poco::Exception&) {
    refuse(ApiError{400, "invalid_request", "the request URI is malformed"});
    return kStop;
  }
  const bool chunked = (parser_.flags & F_CHUNKED) != 0;
  const bool sized = (parser_.flags & F_CONTENTLENGTH) != 0;
  if (sized && parser_.content_length > static_cast<uint64_t>(maxBodyBytes_)) {
    refuse(fieldError(413, "payload_too_large", "body",
                      "larger than " + std::to_string(maxBodyBytes_) + " bytes"));
    return kStop;
  }
  // Reserved up to a bound: an announced size is a claim, not bytes received.
  constexpr uint64_t kMaxReserve = 1024 * 1024;
  if (sized)
    request_.body.reserve(static_cast<std::size_t>(std::min(parser_.content_length, kMaxReserve)));
  const bool bodyFollows = chunked || (sized && parser_.content_length > 0);
  continue_ = bodyFollows && parser_.http_minor >= 1 &&
              lowercase(request_.header("expect")) == "100-continue";
  if (chunked ||
      (sized && parser_.content_length > static_cast<uint64_t>(checkHeadersAboveBytes_))) {
    pausedAtHeaders_ = true;
    http_parser_pause(&parser_, 1);
  }
  return 0;
}

int RequestParser::onBody(http_parser* parser, const char* at, std::size_t length) {
  RequestParser& me = self(parser);
  if (static_cast<int64_t>(me.request_.body.size() + length) > me.maxBodyBytes_) {
    me.request_.body.clear();
    me.refuse(fieldError(413, "payload_too_large", "body",
                         "larger than " + std::to_string(me.maxBodyBytes_) + " bytes"));
    return kStop;
  }
  me.request_.body.append(at, length);
  return 0;
}

int RequestParser::onMessageComplete(http_parser* parser) {
  RequestParser& me = self(parser);
  me.phase_ = Phase::Idle;
  me.continue_ = false;
  me.keepAlive_ = http_should_keep_alive(parser) != 0 && parser->upgrade == 0;
  http_parser_pause(parser, 1);  // one request at a time: the answers go out in order
  return 0;
}

}  // namespace vo::core::http
