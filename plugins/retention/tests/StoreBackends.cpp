// The real stores this suite runs against; Tests.cmake compiles in the ones that exist
// (VO_RETENTION_TEST_SQLITE, VO_RETENTION_TEST_POSTGRES), one test executable per server.
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>

#include "RetentionTestSupport.h"

#ifdef VO_RETENTION_TEST_SQLITE
#include "vo/store_sqlite/SqliteStoreFactory.h"
#endif
#ifdef VO_RETENTION_TEST_POSTGRES
#include <libpq-fe.h>

#include "vo/store_postgres/PostgresStoreFactory.h"
#endif

namespace vo::retention::testing {

TestDatabase::~TestDatabase() = default;

namespace {

std::atomic<int> databaseCounter{0};

// A name no other test (or concurrent test process) uses.
std::string uniqueName(const char* prefix) {
  return std::string(prefix) + "_" + std::to_string(getpid()) + "_" +
         std::to_string(databaseCounter.fetch_add(1));
}

std::unique_ptr<vo::api::CallStore> migrated(std::unique_ptr<vo::api::CallStore> store) {
  auto done = store->migrate();
  if (!done) throw std::runtime_error("migrate failed: " + done.error().message);
  return store;
}

#ifdef VO_RETENTION_TEST_SQLITE
class SqliteDatabase final : public TestDatabase {
 public:
  SqliteDatabase()
      : folder_(std::filesystem::temp_directory_path() / uniqueName("vo_retention_sqlite")) {
    std::filesystem::create_directories(folder_);
  }
  ~SqliteDatabase() override {
    std::error_code ignored;
    std::filesystem::remove_all(folder_, ignored);
  }
  std::unique_ptr<vo::api::CallStore> open() override {
    YAML::Node config;
    config["path"] = (folder_ / "calls.db").string();
    return migrated(vo::store_sqlite::createSqliteStore(config, "plugins.store.config"));
  }

 private:
  const std::filesystem::path folder_;
};
#endif

#ifdef VO_RETENTION_TEST_POSTGRES
// Runs one statement on the server pg_virtualenv started (PG* variables), on its own database.
void runOnServer(const std::string& sql) {
  PGconn* connection = PQconnectdb("");
  std::string failure;
  if (PQstatus(connection) != CONNECTION_OK) {
    failure = PQerrorMessage(connection);
  } else {
    PGresult* result = PQexec(connection, sql.c_str());
    if (PQresultStatus(result) != PGRES_COMMAND_OK) failure = PQerrorMessage(connection);
    PQclear(result);
  }
  PQfinish(connection);
  if (!failure.empty()) throw std::runtime_error(sql + ": " + failure);
}

// A libpq conninfo value, quoted (PGHOST may be a socket directory, a password anything).
std::string quoted(const std::string& value) {
  std::string text = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') text += '\\';
    text += c;
  }
  return text + "'";
}

// The server of the PG* variables, on database `name`.
std::string conninfoFor(const std::string& name) {
  std::string conninfo = "dbname=" + quoted(name);
  for (const auto& [key, variable] :
       {std::pair{"host", "PGHOST"}, std::pair{"port", "PGPORT"}, std::pair{"user", "PGUSER"},
        std::pair{"password", "PGPASSWORD"}}) {
    if (const char* value = std::getenv(variable)) {
      conninfo += std::string(" ") + key + "=" + quoted(value);
    }
  }
  return conninfo;
}

// A database of its own per test, dropped afterwards, so tests never see each other's calls.
class PostgresDatabase final : public TestDatabase {
 public:
  PostgresDatabase() : name_(uniqueName("vo_retention")) {
    runOnServer("CREATE DATABASE " + name_);
  }
  ~PostgresDatabase() override {
    try {
      runOnServer("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (const std::exception&) {
      // A database left behind dies with pg_virtualenv's throwaway cluster.
    }
  }
  std::unique_ptr<vo::api::CallStore> open() override {
    YAML::Node config;
    config["url"] = conninfoFor(name_);
    config["poolSize"] = 4;
    return migrated(vo::store_postgres::createPostgresStore(config, "plugins.store.config"));
  }

 private:
  const std::string name_;
};
#endif

}  // namespace

std::vector<StoreBackend> compiledBackends() {
  std::vector<StoreBackend> backends;
#ifdef VO_RETENTION_TEST_SQLITE
  backends.push_back({"sqlite", [] { return std::make_unique<SqliteDatabase>(); }});
#endif
#ifdef VO_RETENTION_TEST_POSTGRES
  StoreBackend postgres{"postgres", nullptr};
  if (std::getenv("PGHOST") != nullptr) {
    postgres.create = [] { return std::make_unique<PostgresDatabase>(); };
  }
  backends.push_back(postgres);
#endif
  return backends;
}

}  // namespace vo::retention::testing
