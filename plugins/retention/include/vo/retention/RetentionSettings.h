#pragma once

#include <cstdint>
#include <string>

namespace vo::api {
class ConfigReader;
}

namespace vo::retention {

// The plugin's configuration (plugins.retention.config), validated.
struct RetentionSettings {
  int64_t days = 15;                // calls of the last `days` days (plus today) are kept
  int64_t rollupAtMs = 5 * 60'000;  // time of day (UTC) of the roll-up run, "00:05"
  int64_t purgeAtMs = 15 * 60'000;  // time of day (UTC) of the purge run, "00:15"
  int64_t purgeBatch = 5'000;       // calls deleted per purgeDay call
  int64_t batchPauseMs = 20;        // pause between purge batches, so the API keeps up
  int64_t leaseTtlMs = 5 * 60'000;  // renewed between batches; outlives a crashed holder
  int64_t refreshDays = 3;          // re-roll this many recent days each run
  int64_t retryAfterMs = 60'000;    // a failed run is retried this much later
};

// Reads and validates every key; throws vo::api::ConfigError naming a bad or unknown key.
RetentionSettings readRetentionSettings(vo::api::ConfigReader& config);

}  // namespace vo::retention
