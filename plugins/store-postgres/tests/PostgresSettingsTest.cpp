// Config parsing of the PostgreSQL store (no server needed).
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <optional>
#include <vector>

#include "vo/api/ConfigReader.h"
#include "vo/store_postgres/PostgresSettings.h"

namespace vo::store_postgres {
namespace {

std::string configError(const YAML::Node& config) {
  try {
    parsePostgresSettings(config, "plugins.store.config");
  } catch (const vo::api::ConfigError& error) {
    return error.what();
  }
  return "";
}

TEST(PostgresSettings, ConvertsADatabaseUrlToPocoKeyValuePairs) {
  YAML::Node config;
  config["url"] = "postgresql://vo:s3cret@127.0.0.1:5544/calls";
  config["poolSize"] = "16";
  const PostgresSettings settings = parsePostgresSettings(config, "plugins.store.config");
  EXPECT_EQ(settings.connectionString,
            "connect_timeout=5 dbname=calls host=127.0.0.1 password=s3cret port=5544 user=vo");
  EXPECT_EQ(settings.endpoint, "127.0.0.1:5544/calls");
  EXPECT_EQ(settings.poolSize, 16);
  EXPECT_EQ(settings.insertMethod, InsertMethod::kCopy);
  EXPECT_TRUE(settings.preparedStatements);
  config["preparedStatements"] = false;
  EXPECT_FALSE(parsePostgresSettings(config, "plugins.store.config").preparedStatements);
}

TEST(PostgresSettings, KeepsAConnectTimeoutGivenInTheUrl) {
  YAML::Node config;
  config["url"] = "postgresql://vo@127.0.0.1/calls?connect_timeout=9&sslmode=disable";
  const PostgresSettings settings = parsePostgresSettings(config, "plugins.store.config");
  EXPECT_EQ(settings.connectionString,
            "connect_timeout=9 dbname=calls host=127.0.0.1 sslmode=disable user=vo");
  EXPECT_EQ(settings.endpoint, "127.0.0.1:5432/calls");
}

// Sets environment variables for one scope and restores what was there before.
class ScopedEnvironment {
 public:
  void set(const char* name, const char* value) {
    const char* old = std::getenv(name);
    saved_.emplace_back(name, old != nullptr ? std::optional<std::string>(old) : std::nullopt);
    setenv(name, value, 1);
  }
  ~ScopedEnvironment() {
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
      if (it->second)
        setenv(it->first.c_str(), it->second->c_str(), 1);
      else
        unsetenv(it->first.c_str());
    }
  }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

TEST(PostgresSettings, AnEmptyUrlTakesLibpqEnvironmentVariables) {
  ScopedEnvironment environment;
  environment.set("PGHOST", "127.0.0.1");
  environment.set("PGPORT", "6543");
  environment.set("PGDATABASE", "fromenv");
  const PostgresSettings settings = parsePostgresSettings(YAML::Node(), "plugins.store.config");
  EXPECT_NE(settings.connectionString.find("host=127.0.0.1"), std::string::npos);
  EXPECT_NE(settings.connectionString.find("port=6543"), std::string::npos);
  EXPECT_NE(settings.connectionString.find("dbname=fromenv"), std::string::npos);
  EXPECT_EQ(settings.endpoint, "127.0.0.1:6543/fromenv");
}

TEST(PostgresSettings, BadValuesAreRefusedNamingTheKey) {
  YAML::Node badUrl;
  badUrl["url"] = "mysql://x";
  EXPECT_NE(configError(badUrl).find("plugins.store.config.url"), std::string::npos);
  YAML::Node unparsable;
  unparsable["url"] = "postgresql://127.0.0.1/db?nosuchoption=1";
  EXPECT_NE(configError(unparsable).find("plugins.store.config.url"), std::string::npos);
  YAML::Node port;
  port["url"] = "postgresql://127.0.0.1:http/db";
  EXPECT_NE(configError(port).find("plugins.store.config.url: port"), std::string::npos)
      << configError(port);
  YAML::Node unknown;
  unknown["urll"] = "postgresql://x";
  EXPECT_NE(configError(unknown).find("plugins.store.config.urll"), std::string::npos);
  YAML::Node schema;
  schema["url"] = "postgresql://127.0.0.1/db";
  schema["schema"] = "Robert'); DROP";
  EXPECT_NE(configError(schema).find("plugins.store.config.schema"), std::string::npos);
  YAML::Node method;
  method["url"] = "postgresql://127.0.0.1/db";
  method["insertMethod"] = "fast";
  EXPECT_NE(configError(method).find("plugins.store.config.insertMethod"), std::string::npos);
  YAML::Node pool;
  pool["poolSize"] = 0;
  EXPECT_NE(configError(pool).find("plugins.store.config.poolSize"), std::string::npos);
}

}  // namespace
}  // namespace vo::store_postgres
