#include "PostgresTestDatabase.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "vo/store_postgres/PostgresStoreFactory.h"

namespace vo::store_postgres::testing {

namespace {

std::mutex schemasMutex;
std::vector<std::string>& createdSchemas() {
  static std::vector<std::string> schemas;
  return schemas;
}

class DropSchemas : public ::testing::Environment {
 public:
  void TearDown() override {
    if (!postgresConfigured()) return;
    for (const std::string& schema : createdSchemas()) {
      adminQuery("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
    }
  }
};
const auto* const kDropSchemas = ::testing::AddGlobalTestEnvironment(new DropSchemas);

}  // namespace

bool postgresConfigured() {
  return std::getenv("PGHOST") != nullptr;
}

std::string uniqueSchema(const std::string& purpose) {
  static std::atomic<int> counter{0};
  std::string name =
      "vo_" + purpose + "_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
  std::lock_guard lock(schemasMutex);
  createdSchemas().push_back(name);
  return name;
}

YAML::Node configFor(const std::string& schema) {
  YAML::Node config;
  config["url"] = "";
  config["schema"] = schema;
  config["poolSize"] = 4;
  config["connectTimeoutSecs"] = 5;
  return config;
}

std::unique_ptr<vo::api::CallStore> openStore(const std::string& schema) {
  return createPostgresStore(configFor(schema), "plugins.store.config");
}

std::string adminQuery(const std::string& sql) {
  PGconn* connection = PQconnectdb("");
  if (PQstatus(connection) != CONNECTION_OK) {
    const std::string error = PQerrorMessage(connection);
    PQfinish(connection);
    throw std::runtime_error("cannot connect: " + error);
  }
  PQsetNoticeProcessor(
      connection, [](void*, const char*) {}, nullptr);  // DROP ... CASCADE chatter
  PGresult* result = PQexec(connection, sql.c_str());
  const ExecStatusType status = PQresultStatus(result);
  std::string value;
  if (status == PGRES_TUPLES_OK && PQntuples(result) > 0) value = PQgetvalue(result, 0, 0);
  const std::string error = PQresultErrorMessage(result);
  PQclear(result);
  PQfinish(connection);
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    throw std::runtime_error(sql + ": " + error);
  }
  return value;
}

}  // namespace vo::store_postgres::testing
