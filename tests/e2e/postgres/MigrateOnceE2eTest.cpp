// Several voice-orchestrator processes reaching one fresh PostgreSQL database at the same moment
// migrate it exactly once: the others wait on the advisory lock, then find it up to date.
#include <gtest/gtest.h>

#include <thread>

#include "PostgresTestDatabase.h"
#include "vo/testing/HttpClient.h"
#include "vo/testing/Process.h"
#include "vo/testing/ServerProcess.h"
#include "vo/testing/TempDir.h"

namespace {

namespace pg = vo::store_postgres::testing;
using vo::testing::ChildProcess;
using vo::testing::ServerProcess;

constexpr const char* kAdminKey = "e2e-postgres-admin-key-0123456789abcdef";

// The embedded defaults (memory queue, simulated calls) with the PostgreSQL store. The url is
// empty so libpq's PG* variables, inherited from pg_virtualenv, name the server.
std::string configFor(const std::string& schema) {
  return R"(log:
  level: info
server:
  host: 127.0.0.1
  port: ${SERVICE_PORT:-3000}
auth:
  adminKey: )" +
         std::string(kAdminKey) + R"(
plugins:
  store:
    name: postgres
    config:
      url: ""
      schema: )" +
         schema + R"(
      poolSize: 4
  queue:
    name: memory
    config: {}
  provider:
    name: simulator
    config:
      latencyMs: 1
      callDurationMs: 10
  retention:
    name: retention
    config:
      days: 15
tenants:
  workspaces:
    - id: demo
      name: Demo
      agents:
        - id: agent_demo
          name: Demo agent
      phoneNumbers:
        - id: phnum_demo
          number: "+34601893170"
          provider: twilio
)";
}

std::string countIn(const std::string& schema, const std::string& table) {
  return pg::adminQuery("SELECT COUNT(*) FROM \"" + schema + "\"." + table);
}

class PostgresMigrateOnce : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!pg::postgresConfigured()) GTEST_SKIP() << "PGHOST is not set (run under pg_virtualenv)";
  }
};

TEST_F(PostgresMigrateOnce, MigrateCommandsStartedTogetherApplyTheSchemaOnce) {
  const std::string schema = pg::uniqueSchema("e2e_migrate");
  vo::testing::TempDir dir("vo-pg-migrate");
  const std::string config = dir.write("config.yaml", configFor(schema));
  constexpr int kProcesses = 4;
  std::vector<std::unique_ptr<ChildProcess>> children;
  for (int i = 0; i < kProcesses; ++i) {
    children.push_back(std::make_unique<ChildProcess>());
  }
  // Spawned back to back, before any of them can have finished connecting.
  for (int i = 0; i < kProcesses; ++i) {
    children[i]->spawn({vo::testing::orchestratorBinary(), "migrate", "--config", config}, {},
                       dir.path(), dir.file("migrate-" + std::to_string(i) + ".log"));
  }
  for (int i = 0; i < kProcesses; ++i) {
    const auto code = children[i]->wait(std::chrono::minutes(2));
    ASSERT_TRUE(code.has_value()) << "migrate " << i << " did not finish";
    EXPECT_EQ(*code, 0) << vo::testing::readFile(dir.file("migrate-" + std::to_string(i) + ".log"));
  }
  // One row per schema version (1..N, none missing), all applied by one of them in one run.
  EXPECT_EQ(
      pg::adminQuery("SELECT COUNT(*) = MAX(version) FROM \"" + schema + "\".schema_migrations"),
      "t");
  EXPECT_EQ(pg::adminQuery("SELECT COUNT(DISTINCT applied_at_ms) FROM \"" + schema +
                           "\".schema_migrations"),
            "1");
  EXPECT_EQ(countIn(schema, "calls"), "0");
}

TEST_F(PostgresMigrateOnce, ServersStartedTogetherShareOneMigratedDatabase) {
  const std::string schema = pg::uniqueSchema("e2e_serve");
  vo::testing::ServerOptions options;
  options.configYaml = configFor(schema);
  ServerProcess first(options);
  ServerProcess second(options);
  std::string firstError;
  std::thread starter([&] {
    try {
      first.start();
    } catch (const std::exception& error) {
      firstError = error.what();
    }
  });
  second.start();
  starter.join();
  ASSERT_TRUE(firstError.empty()) << firstError;

  EXPECT_EQ(
      pg::adminQuery("SELECT COUNT(*) = MAX(version) FROM \"" + schema + "\".schema_migrations"),
      "t");
  EXPECT_EQ(countIn(schema, "workspaces"), "1");
  for (ServerProcess* server : {&first, &second}) {
    vo::testing::HttpClient client(server->port());
    const auto health = client.get("/health");
    EXPECT_EQ(health.status, 200) << health.body << "\n" << server->logText();
  }
  EXPECT_EQ(first.terminate(), 0) << first.logText();
  EXPECT_EQ(second.terminate(), 0) << second.logText();
}

}  // namespace
