#pragma once

#include <memory>
#include <string>

#include "vo/api/CallStore.h"
#include "vo/api/RetentionPolicy.h"
#include "vo/retention/RetentionSettings.h"

namespace spdlog {
class logger;
}

namespace vo::retention {

// The store lease that lets one instance at a time do retention work.
inline constexpr const char* kRetentionLeaseName = "retention";

// A RetentionPolicy over `store`: each run re-rolls the recent days, then freezes and purges, in
// batches, every day older than `settings.days`, holding the store lease kRetentionLeaseName as
// `holderId` (unique per instance, see makeHolderId). `store` and `logger` must outlive it.
std::unique_ptr<vo::api::RetentionPolicy> makeDailyRetention(vo::api::CallStore& store,
                                                             spdlog::logger& logger,
                                                             RetentionSettings settings,
                                                             std::string holderId);

// "<host>:<pid>:<random hex>": unique across processes and across instances in one process.
std::string makeHolderId();

}  // namespace vo::retention
