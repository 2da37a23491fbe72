#pragma once

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPClientSession.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace vo::bench {

// The fake ElevenLabs seen from the load tool: its GET /fake/stats and /fake/accepted
// (tests/fake-elevenlabs). Throws Poco::Exception when the fake does not answer.
class FakeProbe {
 public:
  explicit FakeProbe(const std::string& baseUrl);

  Poco::JSON::Object::Ptr stats();
  long acceptedCount();
  // (to number, received at, µs since the epoch) of the accepted calls from the `first`-th on.
  std::vector<std::pair<std::string, int64_t>> acceptedFrom(long first);
  // Polls until the fake accepted `target` calls or `waitSecs` passed; the last count.
  long waitForAccepted(long target, double waitSecs);

 private:
  std::string get(const std::string& path);

  Poco::Net::HTTPClientSession session_;
};

}  // namespace vo::bench
