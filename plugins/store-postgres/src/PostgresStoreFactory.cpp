#include "vo/store_postgres/PostgresStoreFactory.h"

#include "vo/sql/SqlCallStore.h"
#include "vo/store_postgres/PostgresBackend.h"

namespace vo::store_postgres {

std::unique_ptr<vo::api::CallStore> createPostgresStore(const YAML::Node& config,
                                                        const std::string& configPath) {
  PostgresSettings settings = parsePostgresSettings(config, configPath);
  const int poolSize = settings.poolSize;
  return std::make_unique<vo::sql::SqlCallStore>(
      std::make_unique<PostgresBackend>(std::move(settings)), poolSize);
}

}  // namespace vo::store_postgres
