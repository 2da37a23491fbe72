#include "vo/api/Plugin.h"

#include "vo/api/CallStore.h"
#include "vo/store_postgres/PostgresStoreFactory.h"

namespace {

std::unique_ptr<vo::api::CallStore> createStore(const vo::api::PluginContext& context) {
  return vo::store_postgres::createPostgresStore(context.config(), "plugins.store.config");
}

}  // namespace

VO_PLUGIN(vo::api::CallStore, "postgres", &createStore)
