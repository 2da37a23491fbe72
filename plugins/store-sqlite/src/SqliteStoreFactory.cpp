#include "vo/store_sqlite/SqliteStoreFactory.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "vo/api/ConfigReader.h"
#include "vo/sql/SqlCallStore.h"
#include "vo/store_sqlite/SqliteBackend.h"

namespace vo::store_sqlite {

std::unique_ptr<vo::api::CallStore> createSqliteStore(const YAML::Node& config,
                                                      const std::string& configPath) {
  vo::api::ConfigReader reader(config, configPath);
  SqliteSettings settings;
  settings.path = reader.getString("path", settings.path);
  settings.busyTimeoutMs =
      static_cast<int>(reader.getInt("busyTimeoutMs", settings.busyTimeoutMs, 0, 600000));
  settings.synchronous = reader.getString("synchronous", settings.synchronous);
  std::transform(settings.synchronous.begin(), settings.synchronous.end(),
                 settings.synchronous.begin(), [](unsigned char c) { return std::toupper(c); });
  // Readers run in parallel under WAL; writers take turns on one of these connections.
  const int poolSize = static_cast<int>(reader.getInt("poolSize", 8, 1, 256));
  reader.rejectUnknownKeys();

  if (settings.path.empty()) reader.fail("path", "must not be empty");
  const std::string& level = settings.synchronous;
  if (level != "OFF" && level != "NORMAL" && level != "FULL" && level != "EXTRA") {
    reader.fail("synchronous", "expected OFF, NORMAL, FULL or EXTRA, got '" + level + "'");
  }
  const std::filesystem::path folder = std::filesystem::path(settings.path).parent_path();
  if (!folder.empty()) {
    std::error_code error;
    std::filesystem::create_directories(folder, error);
    if (error)
      reader.fail("path", "cannot create folder " + folder.string() + ": " + error.message());
  }
  return std::make_unique<vo::sql::SqlCallStore>(std::make_unique<SqliteBackend>(settings),
                                                 poolSize);
}

}  // namespace vo::store_sqlite
