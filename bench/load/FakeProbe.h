#pragma once

#include <Poco/Net/HTTPClientSession.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "vo/testing/Json.h"

namespace vo::bench {

// The fake ElevenLabs seen from the load tool: its GET /fake/stats and /fake/accepted
// (tests/fake-elevenlabs). Throws Poco::Exception when the fake does not answer, and
// std::runtime_error when its stats are not the JSON expected.
class FakeProbe {
 public:
  explicit FakeProbe(const std::string& baseUrl);

  vo::testing::Json stats();
  long acceptedCount();
  // (to number, received at, µs since the epoch) of the accepted calls from the `first`-th on.
  std::vector<std::pair<std::string, int64_t>> acceptedFrom(long first);
  // The accepted calls from the `first`-th on, polled (only the new ones each time, so the fake
  // does little work) until there are `count` or `waitSecs` passed.
  std::vector<std::pair<std::string, int64_t>> collectAccepted(long first, long count,
                                                               double waitSecs);

 private:
  std::string get(const std::string& path);

  Poco::Net::HTTPClientSession session_;
};

}  // namespace vo::bench
