// SQLite alone: inserts rows of `calls` (tab-separated files, one transaction per file, in name
// order) through one prepared INSERT, with the pragmas the SQLite store sets (WAL, synchronous
// NORMAL), and prints the wall and CPU seconds. `--primary-key-only` drops the secondary
// indexes first. The database must have the schema (`voice-orchestrator migrate`).
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace {

constexpr const char* kColumns =
    "id,workspace_id,agent_id,agent_phone_number_id,campaign_id,to_number,from_number,"
    "variables_json,status,lane,attempts,max_attempts,provider_call_id,provider_data_json,"
    "last_error,duration_secs,end_reason,created_at_ms,created_day,updated_at_ms,"
    "next_attempt_at_ms";
constexpr int kColumnCount = 21;
// The integer columns, by position.
constexpr int kIntegers[] = {10, 11, 15, 17, 19, 20};

using Row = std::vector<std::string>;

std::vector<std::vector<Row>> readBatches(const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().extension() == ".tsv") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<std::vector<Row>> batches;
  for (const auto& file : files) {
    std::ifstream in(file);
    std::vector<Row>& rows = batches.emplace_back();
    for (std::string line; std::getline(in, line);) {
      Row& row = rows.emplace_back();
      std::size_t start = 0;
      for (std::size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1) {
        row.push_back(line.substr(start, tab - start));
      }
      row.push_back(line.substr(start));
    }
  }
  return batches;
}

bool run(sqlite3* db, const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &error) == SQLITE_OK) return true;
  std::cerr << sql << ": " << (error ? error : "?") << "\n";
  sqlite3_free(error);
  return false;
}

double cpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: vo-sqlite-insert-floor DATABASE ROWS_FOLDER [--primary-key-only]\n";
    return 2;
  }
  const bool primaryKeyOnly = argc > 3 && std::string(argv[3]) == "--primary-key-only";
  const auto batches = readBatches(argv[2]);
  sqlite3* db = nullptr;
  if (sqlite3_open(argv[1], &db) != SQLITE_OK) return 1;
  if (!run(db, "PRAGMA journal_mode = WAL") || !run(db, "PRAGMA synchronous = NORMAL")) return 1;
  if (primaryKeyOnly) {
    for (const char* index :
         {"calls_workspace", "calls_workspace_status", "calls_workspace_agent", "calls_campaign",
          "calls_to", "calls_provider_call", "calls_status_id", "calls_status_due", "calls_day"}) {
      if (!run(db, ("DROP INDEX IF EXISTS " + std::string(index)).c_str())) return 1;
    }
  }
  std::string insert = std::string("INSERT INTO calls (") + kColumns + ") VALUES (?";
  for (int i = 1; i < kColumnCount; ++i) insert += ",?";
  insert += ")";
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, insert.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
    std::cerr << sqlite3_errmsg(db) << "\n";
    return 1;
  }
  std::size_t rows = 0;
  const auto start = std::chrono::steady_clock::now();
  const double cpuStart = cpuSeconds();
  for (const auto& batch : batches) {
    if (!run(db, "BEGIN IMMEDIATE")) return 1;
    for (const Row& row : batch) {
      for (int column = 0; column < kColumnCount && column < static_cast<int>(row.size());
           ++column) {
        const std::string& value = row[static_cast<std::size_t>(column)];
        if (value == "\\N") {
          sqlite3_bind_null(statement, column + 1);
        } else if (std::find(std::begin(kIntegers), std::end(kIntegers), column) !=
                   std::end(kIntegers)) {
          sqlite3_bind_int64(statement, column + 1, std::stoll(value));
        } else {
          sqlite3_bind_text(statement, column + 1, value.c_str(), static_cast<int>(value.size()),
                            SQLITE_STATIC);
        }
      }
      if (sqlite3_step(statement) != SQLITE_DONE) {
        std::cerr << sqlite3_errmsg(db) << "\n";
        return 1;
      }
      sqlite3_reset(statement);
      ++rows;
    }
    if (!run(db, "COMMIT")) return 1;
  }
  const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - start;
  std::cout << "sqlite, " << (primaryKeyOnly ? "primary key only" : "schema as migrated") << ": "
            << rows << " rows in " << batches.size() << " transactions, " << wall.count()
            << " s wall, " << cpuSeconds() - cpuStart << " s CPU\n";
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return 0;
}
