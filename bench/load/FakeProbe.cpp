#include "FakeProbe.h"

#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <chrono>
#include <sstream>
#include <thread>

namespace vo::bench {

FakeProbe::FakeProbe(const std::string& baseUrl)
    : session_(Poco::URI(baseUrl).getHost(), Poco::URI(baseUrl).getPort()) {
  session_.setKeepAlive(true);
  session_.setTimeout(Poco::Timespan(30, 0));
}

std::string FakeProbe::get(const std::string& path) {
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path,
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  request.setKeepAlive(true);
  session_.sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::istream& in = session_.receiveResponse(response);
  std::string body;
  Poco::StreamCopier::copyToString(in, body);
  if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK) {
    throw Poco::Exception("fake answered " + std::to_string(response.getStatus()) + " to " + path);
  }
  return body;
}

vo::testing::Json FakeProbe::stats() {
  return vo::testing::Json::parse(get("/fake/stats"));
}

long FakeProbe::acceptedCount() {
  return static_cast<long>(stats()["acceptedCalls"].int64());
}

std::vector<std::pair<std::string, int64_t>> FakeProbe::acceptedFrom(long first) {
  std::istringstream lines(get("/fake/accepted?from=" + std::to_string(first)));
  std::vector<std::pair<std::string, int64_t>> calls;
  std::string number;
  int64_t receivedAtUs = 0;
  while (lines >> number >> receivedAtUs) calls.emplace_back(number, receivedAtUs);
  return calls;
}

std::vector<std::pair<std::string, int64_t>> FakeProbe::collectAccepted(long first, long count,
                                                                        double waitSecs) {
  const auto giveUpAt = std::chrono::steady_clock::now() + std::chrono::duration<double>(waitSecs);
  std::vector<std::pair<std::string, int64_t>> calls;
  for (;;) {
    for (auto& call : acceptedFrom(first + static_cast<long>(calls.size()))) {
      calls.push_back(std::move(call));
    }
    if (static_cast<long>(calls.size()) >= count || std::chrono::steady_clock::now() >= giveUpAt) {
      return calls;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace vo::bench
