// vo-store-bench: how the CallStore behaves with 1,000,000 calls stored. Prints one line per
// figure; bench/results/store-postgres.md records a run.
#include <libpq-fe.h>
#include <sqlite3.h>
#include <yaml-cpp/yaml.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <thread>

#include "BatchBench.h"
#include "BenchCalls.h"
#include "BenchStats.h"
#include "vo/store_postgres/PostgresStoreFactory.h"
#include "vo/store_sqlite/SqliteStoreFactory.h"

namespace {

using Clock = std::chrono::steady_clock;
using vo::api::CallStatus;
using vo::bench::LatencySample;
using vo::bench::secondsSince;

struct Options {
  std::string store = "postgres";
  std::string path = "/tmp/vo-store-bench.db";  // sqlite only
  std::string schema;                           // postgres only; default vo_bench_<pid>
  int stored = 1'000'000;
  int days = 40;
  int bulk = 100'000;
  bool purge = true;  // --purge no: keep the data (e.g. to EXPLAIN queries on it afterwards)
};

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    const std::string value = argv[i + 1];
    if (key == "--store")
      options.store = value;
    else if (key == "--path")
      options.path = value;
    else if (key == "--schema")
      options.schema = value;
    else if (key == "--stored")
      options.stored = std::stoi(value);
    else if (key == "--days")
      options.days = std::stoi(value);
    else if (key == "--bulk")
      options.bulk = std::stoi(value);
    else if (key == "--purge")
      options.purge = value != "no";
    else
      throw std::invalid_argument("unknown option " + key);
  }
  if (options.schema.empty()) options.schema = "vo_bench_" + std::to_string(getpid());
  return options;
}

std::unique_ptr<vo::api::CallStore> openStore(const Options& options, const char* insertMethod) {
  YAML::Node config;
  if (options.store == "sqlite") {
    config["path"] = options.path;
    return vo::store_sqlite::createSqliteStore(config, "bench.sqlite");
  }
  config["url"] = "";
  config["schema"] = options.schema;
  config["poolSize"] = 8;
  config["insertMethod"] = insertMethod;
  return vo::store_postgres::createPostgresStore(config, "bench.postgres");
}

template <typename T>
T check(vo::api::Result<T> result, const char* what) {
  return vo::bench::orExit(std::move(result), what);
}

void check(vo::api::Result<void> result, const char* what) {
  if (!result.ok()) {
    std::cerr << what << " failed: " << result.error().message << "\n";
    std::exit(1);
  }
}

// Refreshes the planner's statistics, as autovacuum (PostgreSQL) or PRAGMA optimize (SQLite)
// would after a bulk load; without them the first plans assume the tables are still small.
void analyze(const Options& options) {
  const auto start = Clock::now();
  if (options.store == "sqlite") {
    sqlite3* db = nullptr;
    sqlite3_open(options.path.c_str(), &db);
    sqlite3_exec(db, "ANALYZE", nullptr, nullptr, nullptr);
    sqlite3_close(db);
  } else {
    PGconn* connection = PQconnectdb("");
    PQclear(PQexec(connection, ("ANALYZE \"" + options.schema + "\".calls").c_str()));
    PQfinish(connection);
  }
  std::cout << "analyze: " << secondsSince(start) << " s\n";
}

double timedInsert(vo::api::CallStore& store, const std::vector<vo::api::Call>& calls) {
  const auto start = Clock::now();
  check(store.insertCalls(calls, nullptr), "insertCalls");
  return secondsSince(start);
}

void prefill(vo::api::CallStore& store, const Options& options) {
  const int perDay = options.stored / options.days;
  const auto start = Clock::now();
  for (int day = 0; day < options.days; ++day) {
    timedInsert(store, vo::bench::makeDayCalls("h", day, perDay, false));
  }
  std::cout << "prefill: " << perDay * options.days << " calls over " << options.days << " days in "
            << secondsSince(start) << " s\n";
}

void measureBulkInserts(const Options& options, vo::api::CallStore& store) {
  const int today = options.days;
  std::cout << "insertCalls " << options.bulk << " ("
            << (options.store == "postgres" ? "COPY" : "prepared INSERT")
            << "): " << timedInsert(store, vo::bench::makeDayCalls("q", today, options.bulk, true))
            << " s\n";
  if (options.store == "postgres") {
    auto multiRow = openStore(options, "multirow");
    std::cout << "insertCalls " << options.bulk << " (multi-row INSERT, 1000 rows each): "
              << timedInsert(*multiRow, vo::bench::makeDayCalls("m", today, options.bulk, true))
              << " s\n";
  }
  LatencySample small;
  for (int run = 0; run < 10; ++run) {
    const auto calls = vo::bench::makeDayCalls("s" + std::to_string(run) + "-", today, 1000, true);
    const auto start = Clock::now();
    check(store.insertCalls(calls, nullptr), "insertCalls 1000");
    small.add(Clock::now() - start);
  }
  std::cout << "insertCalls 1000: " << small.summary() << "\n";
}

void measureListCalls(vo::api::CallStore& store) {
  struct Case {
    const char* name;
    vo::api::CallFilter filter;
  };
  std::vector<Case> cases(5);
  cases[0] = {"no filter", {}};
  cases[1].name = "workspaceId";
  cases[1].filter.workspaceId = "ws1";
  cases[2].name = "workspaceId+status";
  cases[2].filter.workspaceId = "ws1";
  cases[2].filter.status = CallStatus::kNoAnswer;
  cases[3].name = "campaignId+agentId";
  cases[3].filter.campaignId = "cmp-ws2";
  cases[3].filter.workspaceId = "ws2";
  cases[3].filter.agentId = "ag3";
  cases[4].name = "to";
  cases[4].filter.to = "+34631007919";
  for (const Case& item : cases) {
    LatencySample pages;
    std::string cursor;
    for (int page = 0; page < 300; ++page) {
      const auto start = Clock::now();
      const auto result = check(store.listCalls(item.filter, 100, cursor), "listCalls");
      pages.add(Clock::now() - start);
      cursor = result.nextCursor;  // walks deeper; starts over at the end
    }
    std::cout << "listCalls limit 100, " << item.name
              << ", 300 consecutive pages: " << pages.summary() << "\n";
  }
}

vo::api::Report measureReports(vo::api::CallStore& store, const Options& options, bool rolledUp) {
  const vo::api::ReportQuery query{"", "", vo::bench::dayText(options.days - 15),
                                   vo::bench::dayText(options.days - 1)};
  LatencySample reports;
  vo::api::Report last;
  for (int run = 0; run < (rolledUp ? 200 : 30); ++run) {
    const auto start = Clock::now();
    last = check(store.report(query), "report");
    reports.add(Clock::now() - start);
  }
  std::cout << "report 15 days (" << (rolledUp ? "rolled up" : "live calls, no roll-ups") << ", "
            << last.total << " calls): " << reports.summary() << "\n";
  return last;
}

// Moves bulk calls queued -> dispatching -> initiated, as a dispatcher would.
LatencySample transitions(vo::api::CallStore& store, int today, int first, int count) {
  LatencySample sample;
  for (int i = first; i < first + count; ++i) {
    char id[64];
    std::snprintf(id, sizeof id, "q%03d%07d", today, i);
    vo::api::CallTransition claim;
    claim.callId = id;
    claim.from = {CallStatus::kQueued};
    claim.to = CallStatus::kDispatching;
    claim.atMs = vo::bench::dayStartMs(today);
    claim.countAttempt = true;
    auto start = Clock::now();
    check(store.transition(claim), "transition");
    sample.add(Clock::now() - start);
    vo::api::CallTransition accepted = claim;
    accepted.from = {CallStatus::kDispatching};
    accepted.to = CallStatus::kInitiated;
    accepted.countAttempt = false;
    accepted.providerCallId = std::string("conv_") + id;
    accepted.attempt =
        vo::api::CallAttempt{1, claim.atMs, "accepted", *accepted.providerCallId, ""};
    start = Clock::now();
    check(store.transition(accepted), "transition");
    sample.add(Clock::now() - start);
  }
  return sample;
}

void measurePurge(vo::api::CallStore& store, const Options& options) {
  std::atomic<bool> purging{true};
  int64_t purged = 0;
  double purgeSeconds = 0;
  std::thread purger([&] {
    const auto start = Clock::now();
    for (int day = 0; day < options.days; ++day) {
      check(store.freezeDay(vo::bench::dayText(day), vo::bench::dayStartMs(options.days)),
            "freezeDay");
      for (int64_t deleted = 1; deleted > 0; purged += deleted) {
        deleted = check(store.purgeDay(vo::bench::dayText(day), 5000), "purgeDay");
      }
    }
    purgeSeconds = secondsSince(start);
    purging = false;
  });
  LatencySample during;
  LatencySample pages;
  vo::api::CallFilter filter;
  filter.workspaceId = "ws1";
  // Calls 10,000 onwards of today's bulk were not touched by the earlier transitions.
  for (int next = 10'000; purging && next + 100 <= options.bulk; next += 100) {
    during.merge(transitions(store, options.days, next, 100));
    const auto start = Clock::now();
    check(store.listCalls(filter, 100, ""), "listCalls");
    pages.add(Clock::now() - start);
  }
  purger.join();
  std::cout << "purge: " << purged << " calls (freeze + batches of 5000) in " << purgeSeconds
            << " s\n";
  std::cout << "transition during the purge: " << during.summary() << "\n";
  std::cout << "listCalls limit 100 during the purge: " << pages.summary() << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  try {
    options = parse(argc, argv);
  } catch (const std::exception& error) {
    std::cerr << error.what()
              << "\nusage: vo-store-bench [--store postgres|sqlite] [--stored N] [--days N] "
                 "[--bulk N] [--path FILE] [--schema NAME] [--purge yes|no]\n";
    return 2;
  }
  if (options.store == "sqlite") std::filesystem::remove(options.path);
  auto store = openStore(options, "copy");
  check(store->migrate(), "migrate");
  if (!vo::bench::seedTenants(*store)) return 1;
  std::cout << "store: " << store->health().detail << "\n";
  prefill(*store, options);
  measureBulkInserts(options, *store);
  analyze(options);
  measureListCalls(*store);
  std::cout << "transition (single conditional UPDATE; with attempt: one more INSERT, or one "
               "statement on PostgreSQL): "
            << transitions(*store, options.days, 0, 5000).summary() << "\n";
  // Calls 5,000 to 7,000 of today's bulk: batches of 100 over the first 1,000, then the same
  // one call at a time over the next 1,000.
  vo::bench::measureBatches(*store, options.days, 5000, 1000, 100);
  const vo::api::Report live = measureReports(*store, options, false);
  const auto rollStart = Clock::now();
  for (int day = options.days - 15; day < options.days; ++day) {
    check(store->rollUpDay(vo::bench::dayText(day), vo::bench::dayStartMs(options.days)),
          "rollUpDay");
  }
  std::cout << "rollUpDay x15: " << secondsSince(rollStart) << " s\n";
  const vo::api::Report rolled = measureReports(*store, options, true);
  if (!options.purge) return 0;
  measurePurge(*store, options);
  const vo::api::Report after = measureReports(*store, options, true);
  const bool same = live.total == rolled.total && rolled.total == after.total &&
                    live.byStatus == after.byStatus && live.durationSecs == after.durationSecs;
  std::cout << "report identical before roll-up, after roll-up and after purge: "
            << (same ? "yes" : "NO") << "\n";
  return same ? 0 : 1;
}
