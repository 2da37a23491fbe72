#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "RedisServerProcess.h"
#include "vo/fake_elevenlabs/FakeElevenLabs.h"
#include "vo/testing/HttpClient.h"
#include "vo/testing/ServerProcess.h"

namespace vo::e2e::production {

inline constexpr const char* kAdminKey = "e2e-production-admin-key-0123456789abcdef";
inline constexpr const char* kWebhookSecret = "wsec_production_e2e";

// The system clock in microseconds, as the fake ElevenLabs stamps the requests it receives.
int64_t nowMicros();
// "+3461" and seven digits: the i-th recipient.
std::string phoneNumber(int i);
// The call id the elevenlabs provider put in a dial's dynamic variables; "" when absent.
std::string callIdOf(const std::string& dynamicVariablesJson);

struct CallRecord {
  std::string to;
  std::string status;
};

// The production stack of config/production.yaml for end-to-end tests: a private redis-server,
// a schema of its own in the real PostgreSQL (PG* from pg_virtualenv), the fake ElevenLabs, and
// voice-orchestrator processes sharing them, each dialing with its own ElevenLabs key so the
// fake's record tells who dialed what. A test calls startBackends() first (it skips the test
// when Redis or PostgreSQL is missing), then startServer() for each process.
class ProductionE2eTest : public ::testing::Test {
 protected:
  // Starts Redis and the fake (webhooks to nobody yet); picks the schema.
  void startBackends(vo::fake_elevenlabs::FakeOptions fakeOptions);
  // A process on the shared backends; `dispatcherYaml`: the `dispatcher:` section's lines,
  // each indented by two spaces; `sectionsYaml`: more top-level sections (`pacing:`, ...).
  std::unique_ptr<vo::testing::ServerProcess> startServer(const std::string& elevenLabsKey,
                                                          const std::string& dispatcherYaml,
                                                          const std::string& sectionsYaml = "");
  // An admin client of `server`.
  static std::unique_ptr<vo::testing::HttpClient> adminClient(
      const vo::testing::ServerProcess& server);

  // POST /calls/bulk in requests of `rowsPerRequest` rows, one after the other, recipients
  // phoneNumber(first..first+total-1); the campaign ids.
  std::vector<std::string> submit(vo::testing::HttpClient& client, int total, int rowsPerRequest,
                                  int first = 0);
  // How many calls of the campaigns are final; -1 when a campaign could not be read.
  static int64_t finishedCalls(vo::testing::HttpClient& client,
                               const std::vector<std::string>& campaigns);
  // call id -> its number and status, for every call of the campaigns.
  static std::map<std::string, CallRecord> calls(vo::testing::HttpClient& client,
                                                 const std::vector<std::string>& campaigns);
  // Where the campaigns and the fake stand, for failure messages.
  std::string progress(vo::testing::HttpClient& client, const std::vector<std::string>& campaigns);
  // From the fake's record: each recipient's outbound-call requests (when each was read), placed
  // or not.
  std::map<std::string, std::vector<int64_t>> dialRequestsByRecipient() const;

  vo::queue_redis::testing::RedisServerProcess redis_;
  std::string schema_;
  // More lines of the ElevenLabs provider's config (each indented by six spaces), for processes
  // started after it is set.
  std::string providerYaml_;
  // The store's url for processes started after it is set; empty: libpq's PG* variables.
  std::string storeUrl_;
  std::unique_ptr<vo::fake_elevenlabs::FakeElevenLabs> fake_;

 private:
  std::string configFor(const std::string& elevenLabsKey, const std::string& dispatcherYaml,
                        const std::string& sectionsYaml) const;
};

}  // namespace vo::e2e::production
