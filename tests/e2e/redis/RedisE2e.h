#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "RedisServerProcess.h"
#include "vo/testing/HttpClient.h"
#include "vo/testing/ServerProcess.h"
#include "vo/testing/TempDir.h"

namespace vo::e2e::redis {

inline constexpr const char* kAdminKey = "e2e-redis-admin-key-0123456789abcdef";
inline constexpr auto kLongWait = std::chrono::minutes(10);

// One line of the simulator's record file.
struct RecordLine {
  bool dial = false;  // else end
  int64_t atMs = 0;
  std::string callId;         // dial only
  std::string to;             // dial only
  std::string phoneNumberId;  // dial only
  std::string providerCallId;
};

struct Scenario {
  int processes = 1;
  int concurrency = 32;
  int callDurationMs = 50;
  std::string outcomes = "{completed: 8, noAnswer: 1, busy: 1}";
};

// voice-orchestrator processes sharing one private redis-server (queue-redis), one store
// (PostgreSQL when PG* names a server, else one SQLite file) and one simulator record file.
// Tenants: acme (agent_a, phnum_a, and phnum_paced limited to 5 calls at once) and beta
// (agent_b, phnum_b).
class RedisE2e : public ::testing::Test {
 protected:
  void SetUp() override;

  void startServers(const Scenario& scenario);
  vo::testing::HttpClient& client(std::size_t server = 0) { return *clients_.at(server); }
  vo::testing::ServerProcess& server(std::size_t index) { return *servers_.at(index); }

  // Posts `count` calls of one workspace/agent/number in requests of up to 5,000 rows, numbers
  // starting at `firstNumber`; returns the campaign ids.
  std::vector<std::string> bulk(const std::string& workspace, const std::string& agent,
                                const std::string& phone, int count, int firstNumber);
  // Waits until every call of the campaigns is final, and none is `unknown` (still reconciled).
  bool allFinished(const std::vector<std::string>& campaigns, int total);
  // to -> status of every call of the campaigns.
  std::map<std::string, std::string> statuses(const std::vector<std::string>& campaigns);
  std::vector<RecordLine> record() const;
  int dialLines() const;
  // Every call final and nobody dialed twice; every call that rang was dialed exactly once.
  void expectEveryCallSettledOnce(const std::vector<std::string>& campaigns, int total);
  std::string logs() const;

  vo::queue_redis::testing::RedisServerProcess redis_;
  vo::testing::TempDir shared_{"vo-e2e-redis"};

 private:
  std::string configFor(const Scenario& scenario) const;
  std::string storeSection() const;

  std::string schema_;  // PostgreSQL only
  std::vector<std::unique_ptr<vo::testing::ServerProcess>> servers_;
  std::vector<std::unique_ptr<vo::testing::HttpClient>> clients_;
};

std::string phoneNumber(int i);

}  // namespace vo::e2e::redis
