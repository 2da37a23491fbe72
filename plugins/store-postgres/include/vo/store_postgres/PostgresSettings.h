#pragma once

#include <string>

namespace YAML {
class Node;
}

namespace vo::store_postgres {

enum class InsertMethod { kCopy, kMultiRowInsert };

struct PostgresSettings {
  // Poco's key=value connection string, converted from the url (or from libpq's PG* variables).
  std::string connectionString;
  std::string endpoint;  // host:port/db, for health and messages (never the password)
  int poolSize = 10;
  int connectTimeoutSecs = 5;
  std::string schema;  // empty: the server's search_path
  InsertMethod insertMethod = InsertMethod::kCopy;
  // Hot statements prepared once per connection (named, server-side). false: every statement is
  // sent unnamed with its parameters, for poolers that cannot keep prepared statements (PgBouncer
  // in transaction mode before 1.21).
  bool preparedStatements = true;
};

// Reads plugins.store.config: url, poolSize, connectTimeoutSecs, schema, insertMethod,
// preparedStatements.
// Throws vo::api::ConfigError naming the bad key.
PostgresSettings parsePostgresSettings(const YAML::Node& config, const std::string& configPath);

// postgresql://user:pass@host:port/db (or any libpq conninfo) to the key=value form Poco's
// connector takes; an empty url takes libpq's PG* environment variables. Throws
// std::invalid_argument with libpq's reason.
std::string toConnectionString(const std::string& url, int connectTimeoutSecs,
                               std::string* endpoint);

}  // namespace vo::store_postgres
