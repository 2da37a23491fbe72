// The SQLite store: the CallStore contract on a temporary file, plus its own config and file
// behaviour.
#include <gtest/gtest.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "OlderSchemaDatabase.h"
#include "vo/api/ConfigReader.h"
#include "vo/contract/StoreContract.h"
#include "vo/store_sqlite/SqliteStoreFactory.h"

namespace {

namespace fs = std::filesystem;
using vo::api::CallStore;

// A folder of its own per test process, removed at the end.
const fs::path& scratch() {
  static const fs::path folder = [] {
    fs::path path = fs::temp_directory_path() / ("vo-store-sqlite-" + std::to_string(getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
    return path;
  }();
  return folder;
}

class ScratchCleanup : public ::testing::Environment {
 public:
  void TearDown() override { fs::remove_all(scratch()); }
};
const auto* const kCleanup = ::testing::AddGlobalTestEnvironment(new ScratchCleanup);

std::unique_ptr<CallStore> openStore(const fs::path& path) {
  YAML::Node config;
  config["path"] = path.string();
  return vo::store_sqlite::createSqliteStore(config, "plugins.store.config");
}

std::unique_ptr<CallStore> freshStore() {
  static std::atomic<int> counter{0};
  auto store = openStore(scratch() / ("contract-" + std::to_string(++counter) + ".db"));
  const auto migrated = store->migrate();
  if (!migrated.ok()) ADD_FAILURE() << migrated.error().message;
  return store;
}

}  // namespace

namespace vo::contract {

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContract,
                         ::testing::Values(StoreFactory{"sqlite", freshStore}), StoreFactoryName());

namespace {

TEST(SqliteStoreConfig, RejectsUnknownKeysAndBadValuesNamingTheKey) {
  YAML::Node config;
  config["path"] = (scratch() / "cfg.db").string();
  config["pathh"] = "x";
  try {
    vo::store_sqlite::createSqliteStore(config, "plugins.store.config");
    FAIL() << "an unknown key was accepted";
  } catch (const vo::api::ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("plugins.store.config.pathh"), std::string::npos)
        << error.what();
  }
  YAML::Node level;
  level["synchronous"] = "sometimes";
  level["path"] = (scratch() / "cfg.db").string();
  try {
    vo::store_sqlite::createSqliteStore(level, "plugins.store.config");
    FAIL() << "a bad synchronous level was accepted";
  } catch (const vo::api::ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("synchronous"), std::string::npos) << error.what();
  }
  YAML::Node timeout;
  timeout["busyTimeoutMs"] = "-4";
  EXPECT_THROW(vo::store_sqlite::createSqliteStore(timeout, "plugins.store.config"),
               vo::api::ConfigError);
}

// Commits write to the log only; the log reaches the database file through the store's own
// checkpointing thread, not through the commit that crosses SQLite's threshold (which held the
// one writer 5-20 ms). The calls written here stay far below that threshold, so only the thread
// can have copied them.
TEST(SqliteStoreFile, TheLogIsCopiedIntoTheFileByAThreadNotByCommits) {
  const fs::path path = scratch() / "checkpointed.db";
  auto store = openStore(path);
  ASSERT_TRUE(store->migrate().ok());
  ASSERT_TRUE(store->createWorkspace({"ws1", "W", "", {}, 1, "", ""}).ok());
  ASSERT_TRUE(store->createAgent({"ag1", "ws1", "A", {}, 2, true}).ok());
  ASSERT_TRUE(store->createPhoneNumber({"ph1", "ws1", "+34601893170", "twilio", {}, 3, true}).ok());
  const auto before = fs::file_size(path);
  std::vector<vo::api::Call> calls;
  for (int i = 0; i < 2000; ++i) {
    calls.push_back(makeCall("call_" + std::to_string(i), i));
    calls.back().campaignId.clear();
  }
  const auto inserted = store->insertCalls(calls, nullptr);
  ASSERT_TRUE(inserted.ok()) << inserted.error().message;
  for (int waited = 0; waited < 100 && fs::file_size(path) < before + 500'000; ++waited) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_GE(fs::file_size(path), before + 500'000) << "the log was not checkpointed in 10 s";
}

TEST(SqliteStoreFile, CreatesItsFolderAndKeepsDataAcrossReopening) {
  const fs::path path = scratch() / "nested" / "deeper" / "vo.db";
  {
    auto store = openStore(path);
    ASSERT_TRUE(store->migrate().ok());
    ASSERT_TRUE(store->createWorkspace({"acme", "Acme", "", {}, 1, "", ""}).ok());
  }
  EXPECT_TRUE(fs::exists(path));
  auto reopened = openStore(path);
  ASSERT_TRUE(reopened->migrate().ok());
  EXPECT_EQ(reopened->getWorkspace("acme")->name, "Acme");
  EXPECT_TRUE(reopened->health().up);
}

TEST(SqliteStoreFile, TwoStoresMigratingOneFileAtOnceBothSucceed) {
  const fs::path path = scratch() / "racing.db";
  auto first = openStore(path);
  auto second = openStore(path);
  vo::api::Result<void> firstResult = vo::api::Result<void>::success();
  vo::api::Result<void> secondResult = vo::api::Result<void>::success();
  std::thread racer([&] { firstResult = first->migrate(); });
  secondResult = second->migrate();
  racer.join();
  EXPECT_TRUE(firstResult.ok()) << firstResult.error().message;
  EXPECT_TRUE(secondResult.ok()) << secondResult.error().message;
  EXPECT_TRUE(first->createWorkspace({"w", "W", "", {}, 1, "", ""}).ok());
  EXPECT_EQ(second->getWorkspace("w")->name, "W");
}

TEST(SqliteStoreFile, MigratesAVersion3DatabaseKeepingEveryCall) {
  const fs::path path = scratch() / "version3.db";
  const fs::path script = scratch() / "version3.sql";
  {
    std::ofstream out(script);
    for (const std::string& statement : vo::sql::testing::version3DatabaseWithCalls("TEXT")) {
      out << statement << ";\n";
    }
  }
  ASSERT_EQ(
      std::system(("sqlite3 -bail '" + path.string() + "' < '" + script.string() + "'").c_str()),
      0);
  auto store = openStore(path);
  const auto migrated = store->migrate();
  ASSERT_TRUE(migrated.ok()) << migrated.error().message;
  vo::sql::testing::expectVersion3CallsKept(*store);
}

TEST(SqliteStoreFile, RefusesADatabaseNewerThanTheBinary) {
  const fs::path path = scratch() / "newer.db";
  ASSERT_TRUE(openStore(path)->migrate().ok());
  ASSERT_EQ(std::system(("sqlite3 '" + path.string() +
                         "' \"INSERT INTO schema_migrations VALUES (999, 'future', 0)\"")
                            .c_str()),
            0);
  const auto refused = openStore(path)->migrate();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, vo::api::ErrorCode::kInvalid);
  EXPECT_NE(refused.error().message.find("999"), std::string::npos) << refused.error().message;
}

TEST(SqliteStoreFile, AnUnwritableLocationIsUnavailableNotACrash) {
  YAML::Node config;
  config["path"] = "/proc/vo-cannot-exist/db.sqlite";
  EXPECT_THROW(vo::store_sqlite::createSqliteStore(config, "plugins.store.config"),
               vo::api::ConfigError);
  auto store = openStore(scratch() / "a-folder.db");
  fs::create_directories(scratch() / "a-folder.db");  // a folder where the file should be
  const auto health = store->health();
  EXPECT_FALSE(health.up);
  EXPECT_EQ(store->migrate().error().code, vo::api::ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace vo::contract
