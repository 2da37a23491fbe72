// The PostgreSQL store against a real server (pg_virtualenv): the CallStore contract, one schema
// per test, plus migrations, bulk insert methods and outages.
#include <gtest/gtest.h>

#include <thread>

#include "OlderSchemaDatabase.h"
#include "PostgresTestDatabase.h"
#include "vo/contract/StoreContract.h"
#include "vo/sql/Migrations.h"
#include "vo/store_postgres/PostgresBackend.h"
#include "vo/store_postgres/PostgresStoreFactory.h"

namespace vo::contract {

namespace {

namespace pg = vo::store_postgres::testing;

std::unique_ptr<vo::api::CallStore> freshPostgresStore() {
  if (!pg::postgresConfigured()) return nullptr;  // the suite skips
  auto store = pg::openStore(pg::uniqueSchema("contract"));
  const auto migrated = store->migrate();
  if (!migrated.ok()) ADD_FAILURE() << migrated.error().message;
  return store;
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(Postgres, StoreContract,
                         ::testing::Values(StoreFactory{"postgres", freshPostgresStore}),
                         StoreFactoryName());

namespace {

class PostgresStore : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!pg::postgresConfigured()) GTEST_SKIP() << "PGHOST is not set (run under pg_virtualenv)";
  }
};

TEST_F(PostgresStore, InstancesMigratingTogetherApplyEachVersionOnce) {
  const std::string schema = pg::uniqueSchema("migrate");
  std::vector<std::unique_ptr<vo::api::CallStore>> stores;
  for (int i = 0; i < 6; ++i) stores.push_back(pg::openStore(schema));
  std::vector<vo::api::Result<void>> results(stores.size(), vo::api::Result<void>::success());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < stores.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = stores[i]->migrate(); });
  }
  for (std::thread& thread : threads) thread.join();
  for (const auto& result : results) EXPECT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(pg::adminQuery("SELECT COUNT(*) FROM \"" + schema + "\".schema_migrations"),
            std::to_string(vo::sql::schemaMigrations().size()));
  EXPECT_TRUE(stores[0]->createWorkspace({"w", "W", "", {}, 1, "", ""}).ok());
  EXPECT_EQ(stores[5]->getWorkspace("w")->name, "W");
}

TEST_F(PostgresStore, MigratesAVersion3DatabaseKeepingEveryCall) {
  const std::string schema = pg::uniqueSchema("version3");
  pg::adminQuery("CREATE SCHEMA \"" + schema + "\"");
  std::string script = "SET search_path TO \"" + schema + "\"";
  for (const std::string& statement : vo::sql::testing::version3DatabaseWithCalls(
           std::string(vo::store_postgres::PostgresBackend::kTextType))) {
    script += ";\n" + statement;
  }
  pg::adminQuery(script);
  auto store = pg::openStore(schema);
  const auto migrated = store->migrate();
  ASSERT_TRUE(migrated.ok()) << migrated.error().message;
  vo::sql::testing::expectVersion3CallsKept(*store);
}

TEST_F(PostgresStore, RefusesADatabaseNewerThanTheBinary) {
  const std::string schema = pg::uniqueSchema("newer");
  ASSERT_TRUE(pg::openStore(schema)->migrate().ok());
  pg::adminQuery("INSERT INTO \"" + schema +
                 "\".schema_migrations VALUES (999, 'from the future', 0)");
  const auto refused = pg::openStore(schema)->migrate();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, vo::api::ErrorCode::kInvalid);
  EXPECT_NE(refused.error().message.find("version 999"), std::string::npos)
      << refused.error().message;
}

TEST_F(PostgresStore, CopyAndMultiRowInsertWriteTheSameRows) {
  for (const char* method : {"copy", "multirow"}) {
    SCOPED_TRACE(method);
    const std::string schema = pg::uniqueSchema(method);
    YAML::Node config = pg::configFor(schema);
    config["insertMethod"] = method;
    auto store = vo::store_postgres::createPostgresStore(config, "plugins.store.config");
    ASSERT_TRUE(store->migrate().ok());
    ASSERT_TRUE(store->createWorkspace({"ws1", "W", "", {}, 1, "", ""}).ok());
    ASSERT_TRUE(store->createAgent({"ag1", "ws1", "A", {}, 1}).ok());
    ASSERT_TRUE(store->createPhoneNumber({"ph1", "ws1", "+1", "twilio", {}, 1}).ok());
    std::vector<vo::api::Call> calls;
    for (int i = 0; i < 2500; ++i) {
      vo::api::Call call = makeCall("c" + std::to_string(100000 + i), msOfDay(0, i));
      call.campaignId.clear();
      // Characters COPY's text format must escape, and a NULL-looking string.
      call.variablesJson = R"({"note":"tab\there\\ \N line)" + std::string("\n\r") + "\"}";
      call.lastError = "\\N";
      call.from.clear();
      if (i % 2 == 0) call.durationSecs = i;
      calls.push_back(call);
    }
    ASSERT_TRUE(store->insertCalls(calls, nullptr).ok());
    for (int i : {0, 1, 1777, 2499}) {
      const auto found = store->getCall(calls[i].id);
      ASSERT_TRUE(found.ok());
      EXPECT_EQ(found->variablesJson, calls[i].variablesJson);
      EXPECT_EQ(found->lastError, "\\N");
      EXPECT_EQ(found->from, "");
      EXPECT_EQ(found->campaignId, "");
      EXPECT_EQ(found->durationSecs, calls[i].durationSecs);
    }
    // A batch with one bad row (an unknown workspace) writes nothing.
    std::vector<vo::api::Call> bad{makeCall("z1", 1), makeCall("z2", 1)};
    bad[0].campaignId.clear();
    bad[1].campaignId.clear();
    bad[1].workspaceId = "nobody";
    const auto refused = store->insertCalls(bad, nullptr);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, vo::api::ErrorCode::kInvalid) << refused.error().message;
    EXPECT_EQ(store->getCall("z1").error().code, vo::api::ErrorCode::kNotFound);
  }
}

TEST_F(PostgresStore, AnUnreachableServerIsUnavailableNotAHang) {
  YAML::Node config;
  config["url"] = "postgresql://nobody:secret@127.0.0.1:1/none";
  config["connectTimeoutSecs"] = 2;
  auto store = vo::store_postgres::createPostgresStore(config, "plugins.store.config");
  const auto migrated = store->migrate();
  ASSERT_FALSE(migrated.ok());
  EXPECT_EQ(migrated.error().code, vo::api::ErrorCode::kUnavailable) << migrated.error().message;
  const auto health = store->health();
  EXPECT_FALSE(health.up);
  EXPECT_EQ(store->getCall("c1").error().code, vo::api::ErrorCode::kUnavailable);
  EXPECT_EQ(store->insertCalls(std::vector<vo::api::Call>{makeCall("c1", 1)}, nullptr).error().code,
            vo::api::ErrorCode::kUnavailable);
}

// The server migrates at start; the pool's sessions are opened then, not by the first burst of
// requests (each would wait for PostgreSQL to fork a backend).
TEST_F(PostgresStore, MigrateOpensEveryPooledSession) {
  const std::string schema = pg::uniqueSchema("warm");
  YAML::Node config = pg::configFor(schema);
  config["url"] = "postgresql:///?application_name=" + schema;
  config["poolSize"] = 3;
  auto store = vo::store_postgres::createPostgresStore(config, "plugins.store.config");
  ASSERT_TRUE(store->migrate().ok());
  EXPECT_EQ(pg::adminQuery("SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = '" +
                           schema + "'"),
            "3");
}

// A migrated store whose connections carry `schema` as their application_name, with workspace
// "w", and a way to end them all as a server restart would (tests run in parallel: only this
// store's connections are ended).
struct NamedStore {
  explicit NamedStore(const std::string& prefix) : schema(pg::uniqueSchema(prefix)) {
    YAML::Node config = pg::configFor(schema);
    config["url"] = "postgresql:///?application_name=" + schema;
    store = vo::store_postgres::createPostgresStore(config, "plugins.store.config");
  }
  void endEveryConnection() const {
    const std::string ended = pg::adminQuery(
        "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity "
        "WHERE pid <> pg_backend_pid() AND application_name = '" +
        schema + "'");
    EXPECT_NE(ended, "0");
  }
  std::string schema;
  std::unique_ptr<vo::api::CallStore> store;
};

TEST_F(PostgresStore, AReadAfterTheServerEndedThePooledSessionsIsAnsweredOnAFreshOne) {
  NamedStore named("dropped");
  ASSERT_TRUE(named.store->migrate().ok());
  ASSERT_TRUE(named.store->createWorkspace({"w", "W", "", {}, 1, "", ""}).ok());
  named.endEveryConnection();
  // The read meets the ended session first, then runs again on a fresh one.
  const auto after = named.store->getWorkspace("w");
  ASSERT_TRUE(after.ok()) << after.error().message;
  EXPECT_EQ(after->name, "W");
  EXPECT_TRUE(named.store->health().up);
}

TEST_F(PostgresStore, AWriteOnAnEndedSessionIsUnavailableAndNotRepeated) {
  NamedStore named("ended");
  ASSERT_TRUE(named.store->migrate().ok());
  ASSERT_TRUE(named.store->createWorkspace({"w", "W", "", {}, 1, "", ""}).ok());
  named.endEveryConnection();
  // A write cannot know whether its statement ran before the session ended: it is not repeated.
  const auto write = named.store->createWorkspace({"v", "V", "", {}, 1, "", ""});
  ASSERT_FALSE(write.ok());
  EXPECT_EQ(write.error().code, vo::api::ErrorCode::kUnavailable) << write.error().message;
  EXPECT_TRUE(named.store->createWorkspace({"v", "V", "", {}, 1, "", ""}).ok());
}

}  // namespace
}  // namespace vo::contract
