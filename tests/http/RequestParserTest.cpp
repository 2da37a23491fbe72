#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "http/front/RequestParser.h"

namespace vo::core::http::testing {
namespace {

struct Parsed {
  std::vector<ApiRequest> requests;
  std::vector<bool> keepAlive;
  std::optional<ApiResponse> refusal;
};

// Feeds `bytes` in pieces of `step` bytes, as a socket might deliver them.
Parsed parseInPieces(const std::string& bytes, std::size_t step, const FrontLimits& limits) {
  RequestParser parser(limits);
  Parsed parsed;
  std::string pending;
  for (std::size_t at = 0; at < bytes.size() && !parsed.refusal; at += step) {
    pending += bytes.substr(at, step);
    while (!pending.empty()) {
      const auto result = parser.feed(pending);
      pending.erase(0, result.consumed);
      if (result.status == RequestParser::Status::Refused) {
        parsed.refusal = parser.takeRefusal();
        break;
      }
      if (result.status == RequestParser::Status::NeedMore) break;
      if (result.status == RequestParser::Status::HeadersComplete) {
        parser.resumeBody();  // as the front does once a worker accepted the headers
        continue;
      }
      parsed.requests.push_back(parser.takeRequest());
      parsed.keepAlive.push_back(parser.keepAlive());
    }
  }
  return parsed;
}

const std::string kTwoRequests =
    "POST /calls/bulk?limit=2&x=a%20b HTTP/1.1\r\nHost: x\r\nX-Tag: one\r\nx-tag: two\r\n"
    "Content-Length: 5\r\n\r\nhello"
    "POST /calls/priority HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
    "Connection: close\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";

TEST(RequestParser, ALargeBodyWaitsForItsHeadersToBeAcceptedBeforeAByteOfItIsRead) {
  FrontLimits limits;
  limits.checkHeadersAboveBytes = 10;
  RequestParser parser(limits);
  const std::string head =
      "POST /calls/bulk?x=1 HTTP/1.1\r\nAuthorization: Bearer k\r\nContent-Length: 12\r\n\r\n";
  std::string pending = head + "0123456789ab";
  auto step = parser.feed(pending);
  ASSERT_EQ(step.status, RequestParser::Status::HeadersComplete);
  pending.erase(0, step.consumed);
  EXPECT_GE(pending.size(), 12u) << "no byte of the body was taken";
  const ApiRequest headers = parser.headers();
  EXPECT_EQ(headers.method, "POST");
  EXPECT_EQ(headers.path, "/calls/bulk");
  EXPECT_EQ(headers.header("authorization"), "Bearer k");
  EXPECT_TRUE(headers.body.empty());
  // Until resumed it stays where it is.
  EXPECT_EQ(parser.feed(pending).status, RequestParser::Status::HeadersComplete);
  EXPECT_EQ(parser.feed(pending).consumed, 0u);
  parser.resumeBody();
  step = parser.feed(pending);
  ASSERT_EQ(step.status, RequestParser::Status::Complete);
  EXPECT_EQ(parser.takeRequest().body, "0123456789ab");

  // A body at the bound, and a bodiless request, are not held back.
  RequestParser small(limits);
  EXPECT_EQ(small.feed("POST /a HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123456789").status,
            RequestParser::Status::Complete);
  EXPECT_EQ(small.takeRequest().body, "0123456789");
  EXPECT_EQ(small.feed("GET /b HTTP/1.1\r\n\r\n").status, RequestParser::Status::Complete);
}

TEST(RequestParser, SameRequestsWhateverTheReadBoundaries) {
  for (std::size_t step : {std::size_t{1}, std::size_t{2}, std::size_t{7}, kTwoRequests.size()}) {
    const Parsed parsed = parseInPieces(kTwoRequests, step, FrontLimits{});
    ASSERT_FALSE(parsed.refusal) << "step " << step << ": " << parsed.refusal->body;
    ASSERT_EQ(parsed.requests.size(), 2u) << "step " << step;
    const ApiRequest& first = parsed.requests[0];
    EXPECT_EQ(first.method, "POST");
    EXPECT_EQ(first.path, "/calls/bulk");
    ASSERT_EQ(first.query.size(), 2u);
    EXPECT_EQ(first.query[1].second, "a b");
    EXPECT_EQ(first.header("x-tag"), "one, two");
    EXPECT_EQ(first.body, "hello");
    EXPECT_TRUE(parsed.keepAlive[0]);
    EXPECT_EQ(parsed.requests[1].body, "abcde");
    EXPECT_FALSE(parsed.keepAlive[1]);
  }
}

TEST(RequestParser, NoContentLengthNorTransferEncodingIsAnEmptyBody) {
  const Parsed parsed =
      parseInPieces("POST /campaigns/c/pause HTTP/1.1\r\nHost: x\r\n\r\n", 64, FrontLimits{});
  ASSERT_EQ(parsed.requests.size(), 1u);
  EXPECT_EQ(parsed.requests[0].body, "");
}

TEST(RequestParser, BodiesOverTheLimitAreRefusedSizedOrChunked) {
  FrontLimits limits;
  limits.maxBodyBytes = 4;
  const Parsed sized = parseInPieces("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n", 64, limits);
  ASSERT_TRUE(sized.refusal);
  EXPECT_EQ(sized.refusal->status, 413);
  const Parsed chunked = parseInPieces(
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n", 64, limits);
  ASSERT_TRUE(chunked.refusal);
  EXPECT_EQ(chunked.refusal->status, 413);
  const Parsed atLimit =
      parseInPieces("POST / HTTP/1.1\r\nContent-Length: 4\r\n\r\nabcd", 3, limits);
  ASSERT_EQ(atLimit.requests.size(), 1u);
  EXPECT_EQ(atLimit.requests[0].body, "abcd");
}

TEST(RequestParser, MalformedRequestsAreRefused) {
  FrontLimits limits;
  limits.maxHeaderBytes = 100;
  const std::vector<std::pair<std::string, int>> cases{
      {"GARBAGE / HTTP/1.1\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nBad Header\r\n\r\n", 400},
      {"GET / HTTP/2.0\r\n\r\n", 505},
      {"GET /" + std::string(200, 'a') + " HTTP/1.1\r\n\r\n", 431},
      {"GET /x%zz HTTP/1.1\r\n\r\n", 400},
      // Both lengths: a request-smuggling shape.
      {"POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
  };
  for (const auto& [bytes, status] : cases) {
    const Parsed parsed = parseInPieces(bytes, 5, limits);
    ASSERT_TRUE(parsed.refusal) << bytes;
    EXPECT_EQ(parsed.refusal->status, status) << bytes;
  }
}

TEST(RequestParser, ExpectContinueIsOfferedOnceForAnAcceptableBody) {
  RequestParser parser(FrontLimits{});
  const std::string head = "POST / HTTP/1.1\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n";
  EXPECT_EQ(parser.feed(head).status, RequestParser::Status::NeedMore);
  EXPECT_TRUE(parser.takeContinue());
  EXPECT_FALSE(parser.takeContinue());
  const auto body = parser.feed("{}");
  ASSERT_EQ(body.status, RequestParser::Status::Complete) << parser.takeRefusal().body;
  EXPECT_EQ(parser.takeRequest().body, "{}");
}

TEST(RequestParser, HttpOneZeroKeepsTheConnectionOnlyWhenAsked) {
  const Parsed closing = parseInPieces("GET / HTTP/1.0\r\n\r\n", 64, FrontLimits{});
  ASSERT_EQ(closing.keepAlive.size(), 1u);
  EXPECT_FALSE(closing.keepAlive[0]);
  const Parsed kept =
      parseInPieces("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 64, FrontLimits{});
  ASSERT_EQ(kept.keepAlive.size(), 1u);
  EXPECT_TRUE(kept.keepAlive[0]);
}

}  // namespace
}  // namespace vo::core::http::testing
