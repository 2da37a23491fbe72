#include "vo/store_postgres/PostgresSettings.h"

#include <libpq-fe.h>

#include <map>
#include <memory>
#include <stdexcept>

#include "vo/api/ConfigReader.h"

namespace vo::store_postgres {

namespace {

// The libpq options worth passing on when the url is empty (taken from PG* variables).
constexpr const char* kEnvironmentKeys[] = {
    "host",    "hostaddr", "port",   "user",        "password",         "dbname",
    "sslmode", "sslcert",  "sslkey", "sslrootcert", "application_name", "target_session_attrs",
    "passfile"};

struct OptionsFree {
  void operator()(PQconninfoOption* options) const { PQconninfoFree(options); }
};

bool isSafeIdentifier(const std::string& name) {
  if (name.empty() || name.size() > 63 || !(std::islower(name[0]) || name[0] == '_')) return false;
  for (char c : name) {
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '_')) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string toConnectionString(const std::string& url, int connectTimeoutSecs,
                               std::string* endpoint) {
  std::map<std::string, std::string> values;
  if (url.empty()) {
    std::unique_ptr<PQconninfoOption, OptionsFree> defaults(PQconndefaults());
    if (!defaults) throw std::invalid_argument("libpq could not read its defaults");
    for (PQconninfoOption* option = defaults.get(); option->keyword != nullptr; ++option) {
      if (option->val == nullptr || *option->val == '\0') continue;
      for (const char* key : kEnvironmentKeys) {
        if (std::string(key) == option->keyword) values[key] = option->val;
      }
    }
  } else {
    char* error = nullptr;
    std::unique_ptr<PQconninfoOption, OptionsFree> parsed(PQconninfoParse(url.c_str(), &error));
    if (!parsed) {
      std::string reason = error != nullptr ? error : "unparsable";
      PQfreemem(error);
      while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
      throw std::invalid_argument(reason);
    }
    for (PQconninfoOption* option = parsed.get(); option->keyword != nullptr; ++option) {
      if (option->val != nullptr && *option->val != '\0') values[option->keyword] = option->val;
    }
  }
  if (const auto port = values.find("port");
      port != values.end() && port->second.find_first_not_of("0123456789,") != std::string::npos) {
    throw std::invalid_argument("port '" + port->second + "' is not a number");
  }
  if (!values.contains("connect_timeout")) {
    values["connect_timeout"] = std::to_string(connectTimeoutSecs);
  }
  std::string connection;
  for (const auto& [key, value] : values) {
    // Poco splits the string on spaces and has no quoting.
    if (value.find_first_of(" \t\n'\\") != std::string::npos) {
      throw std::invalid_argument(key +
                                  " contains a space, quote or backslash, which Poco's "
                                  "PostgreSQL connector cannot pass on");
    }
    if (!connection.empty()) connection += ' ';
    connection += key + '=' + value;
  }
  if (endpoint != nullptr) {
    const auto valueOf = [&](const char* key, const char* fallback) {
      const auto found = values.find(key);
      return found == values.end() ? std::string(fallback) : found->second;
    };
    *endpoint = valueOf("host", "localhost") + ":" + valueOf("port", "5432") + "/" +
                valueOf("dbname", valueOf("user", "postgres").c_str());
  }
  return connection;
}

PostgresSettings parsePostgresSettings(const YAML::Node& config, const std::string& configPath) {
  vo::api::ConfigReader reader(config, configPath);
  PostgresSettings settings;
  const std::string url = reader.getString("url", "");
  settings.poolSize = static_cast<int>(reader.getInt("poolSize", settings.poolSize, 1, 1000));
  settings.connectTimeoutSecs =
      static_cast<int>(reader.getInt("connectTimeoutSecs", settings.connectTimeoutSecs, 1, 600));
  settings.schema = reader.getString("schema", "");
  const std::string method = reader.getString("insertMethod", "copy");
  settings.preparedStatements = reader.getBool("preparedStatements", settings.preparedStatements);
  reader.rejectUnknownKeys();

  if (!url.empty() && url.rfind("postgresql://", 0) != 0 && url.rfind("postgres://", 0) != 0 &&
      url.find('=') == std::string::npos) {
    reader.fail("url", "expected postgresql://user:password@host:port/database");
  }
  try {
    settings.connectionString =
        toConnectionString(url, settings.connectTimeoutSecs, &settings.endpoint);
  } catch (const std::invalid_argument& error) {
    reader.fail("url", error.what());
  }
  if (!settings.schema.empty() && !isSafeIdentifier(settings.schema)) {
    reader.fail("schema",
                "expected a lowercase identifier (a-z, 0-9, _), got '" + settings.schema + "'");
  }
  if (method == "copy") {
    settings.insertMethod = InsertMethod::kCopy;
  } else if (method == "multirow") {
    settings.insertMethod = InsertMethod::kMultiRowInsert;
  } else {
    reader.fail("insertMethod", "expected copy or multirow, got '" + method + "'");
  }
  return settings;
}

}  // namespace vo::store_postgres
