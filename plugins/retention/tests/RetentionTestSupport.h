#pragma once

#include <spdlog/logger.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "ForwardingCallStore.h"
#include "vo/api/CallStore.h"

namespace vo::retention::testing {

// A fresh, empty database for one test, on a real store. open() connects a new store object to
// it (migrated): call it once per simulated instance, and in a forked child.
class TestDatabase {
 public:
  virtual ~TestDatabase();
  virtual std::unique_ptr<vo::api::CallStore> open() = 0;
};

// A store implementation the suite runs against. `create` is null when its server is not
// configured (PostgreSQL without PGHOST), and then the test skips.
struct StoreBackend {
  std::string name;
  std::function<std::unique_ptr<TestDatabase>()> create;
};

// Test names show the backend's name rather than its bytes.
inline void PrintTo(const StoreBackend& backend, std::ostream* out) {
  *out << backend.name;
}

// The backends compiled into this test executable (see Tests.cmake).
std::vector<StoreBackend> compiledBackends();

// Runs the hooks around each retention write (rollUpDay, freezeDay, purgeDay). An Error from
// `beforeWrite` is answered instead of doing the write, as a failing database would.
class WatchedRetentionStore : public ForwardingCallStore {
 public:
  using ForwardingCallStore::ForwardingCallStore;
  ~WatchedRetentionStore() override;

  std::function<std::optional<vo::api::Error>(std::string_view method)> beforeWrite;
  std::function<void(std::string_view method)> afterWrite;

  vo::api::Result<int64_t> rollUpDay(std::string_view day, int64_t nowMs) override;
  vo::api::Result<void> freezeDay(std::string_view day, int64_t nowMs) override;
  vo::api::Result<int64_t> purgeDay(std::string_view day, int limit) override;
};

// Calls seeded per UTC day ("YYYY-MM-DD" -> count).
using CallsPerDay = std::map<std::string, int64_t>;

enum class SeededStatuses {
  kAll,        // every status, some calls still in flight
  kFinalOnly,  // only settled ones, for a live server whose dispatcher would move the others
};

// Two workspaces with two agents each, and calls on each of the `dayCount` days ending with
// the day of nowMs, with durations.
CallsPerDay seedCalls(vo::api::CallStore& store, int64_t nowMs, int dayCount,
                      SeededStatuses statuses = SeededStatuses::kAll);
// Of what seedCalls(nowMs, dayCount, statuses) seeds, the calls not final, per day (every day
// listed): retention keeps them whatever their age.
CallsPerDay notFinalPerDay(int64_t nowMs, int dayCount,
                           SeededStatuses statuses = SeededStatuses::kAll);

// The whole report over [fromDay, toDay], and a readable text of it so a mismatch shows where.
std::string reportText(vo::api::CallStore& store, const std::string& fromDay,
                       const std::string& toDay);

// Days that still have calls, oldest first.
std::vector<std::string> daysWithAnyCalls(vo::api::CallStore& store);

// A logger that writes warnings and errors to stderr, so a failing test shows why.
std::shared_ptr<spdlog::logger> testLogger(const std::string& name);

}  // namespace vo::retention::testing
