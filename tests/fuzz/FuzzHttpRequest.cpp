// Raw bytes from a socket: the HTTP/1.1 parser (request line, headers, query strings, chunked
// bodies), fed in pieces of every size, and the id check every path and query id goes through.
#include <cstddef>
#include <cstdint>
#include <string>

#include "http/Validation.h"
#include "http/front/RequestParser.h"

using namespace vo::core::http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::size_t piece = 1 + data[0] % 64;  // the first byte picks the read size
  FrontLimits limits;
  limits.maxBodyBytes = 4096;
  limits.maxHeaderBytes = 2048;
  limits.checkHeadersAboveBytes = 256;
  RequestParser parser(limits);
  std::string pending;
  for (std::size_t at = 0; at < bytes.size(); at += piece) {
    pending += bytes.substr(at, piece);
    while (!pending.empty()) {
      const auto step = parser.feed(pending);
      pending.erase(0, step.consumed);
      if (step.status == RequestParser::Status::Refused) {
        (void)parser.takeRefusal();
        return 0;
      }
      if (step.status == RequestParser::Status::NeedMore) break;
      if (step.status == RequestParser::Status::HeadersComplete) {
        const ApiRequest headers = parser.headers();
        (void)checkId(headers.path);
        parser.resumeBody();
        continue;
      }
      const ApiRequest request = parser.takeRequest();
      for (const auto& [name, value] : request.query) {
        (void)checkId(name);
        (void)checkId(value);
      }
    }
  }
  return 0;
}
