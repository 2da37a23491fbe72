#include "vo/api/Plugin.h"

#include "vo/api/CallStore.h"
#include "vo/store_sqlite/SqliteStoreFactory.h"

namespace {

std::unique_ptr<vo::api::CallStore> createStore(const vo::api::PluginContext& context) {
  return vo::store_sqlite::createSqliteStore(context.config(), "plugins.store.config");
}

}  // namespace

VO_PLUGIN(vo::api::CallStore, "sqlite", &createStore)
