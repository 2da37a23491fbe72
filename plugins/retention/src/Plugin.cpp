// The retention plugin's descriptor: kind "retention", name "retention".
#include "vo/api/Plugin.h"

#include <yaml-cpp/yaml.h>

#include "vo/api/ConfigReader.h"
#include "vo/retention/DailyRetention.h"

namespace {

std::unique_ptr<vo::api::RetentionPolicy> createRetention(const vo::api::PluginContext& context) {
  vo::api::ConfigReader config(context.config(), "plugins.retention.config");
  vo::retention::RetentionSettings settings = vo::retention::readRetentionSettings(config);
  vo::api::CallStore* store = context.store();
  if (store == nullptr) {
    throw vo::api::ConfigError(context.pluginId() + ": needs a store, and none was loaded");
  }
  return vo::retention::makeDailyRetention(*store, context.logger(), settings,
                                           vo::retention::makeHolderId());
}

}  // namespace

VO_PLUGIN(vo::api::RetentionPolicy, "retention", &createRetention)
