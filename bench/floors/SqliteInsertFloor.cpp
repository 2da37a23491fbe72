// SQLite alone: inserts the rows of `calls` and `call_states` (rows.py's tab-separated files, one
// transaction per batch, in name order) through one prepared INSERT per table, with the pragmas the
// SQLite store sets (WAL, synchronous NORMAL), and prints the wall and CPU seconds.
// `--primary-key-only` drops the secondary indexes first. The database must have the schema
// (`voice-orchestrator migrate`).
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

// A table the floor fills: its columns, the integer ones by position, and its file suffix.
struct Table {
  const char* name;
  const char* columns;
  int columnCount;
  std::vector<int> integers;
  const char* suffix;
};

const Table kTables[] = {
    {"calls",
     "id,workspace_id,agent_id,agent_phone_number_id,campaign_id,to_number,from_number,"
     "variables_json,lane,max_attempts,created_at_ms,created_day",
     12,
     {9, 10},
     ".calls.tsv"},
    {"call_states",
     "id,status,attempts,provider_call_id,provider_data_json,last_error,duration_secs,"
     "end_reason,updated_at_ms,next_attempt_at_ms",
     10,
     {2, 6, 8, 9},
     ".states.tsv"},
};

using Row = std::vector<std::string>;

std::vector<Row> readRows(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::vector<Row> rows;
  for (std::string line; std::getline(in, line);) {
    Row& row = rows.emplace_back();
    std::size_t start = 0;
    for (std::size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1) {
      row.push_back(line.substr(start, tab - start));
    }
    row.push_back(line.substr(start));
  }
  return rows;
}

// Per batch, in name order: the rows of each table of kTables.
std::vector<std::vector<std::vector<Row>>> readBatches(const std::filesystem::path& folder) {
  std::vector<std::string> bases;
  const std::string suffix = kTables[0].suffix;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    const std::string path = entry.path().string();
    if (path.ends_with(suffix)) bases.push_back(path.substr(0, path.size() - suffix.size()));
  }
  std::sort(bases.begin(), bases.end());
  std::vector<std::vector<std::vector<Row>>> batches;
  for (const std::string& base : bases) {
    auto& batch = batches.emplace_back();
    for (const Table& table : kTables) batch.push_back(readRows(base + table.suffix));
  }
  return batches;
}

bool insertRow(sqlite3* db, sqlite3_stmt* statement, const Table& table, const Row& row) {
  for (int column = 0; column < table.columnCount && column < static_cast<int>(row.size());
       ++column) {
    const std::string& value = row[static_cast<std::size_t>(column)];
    if (value == "\\N") {
      sqlite3_bind_null(statement, column + 1);
    } else if (std::find(table.integers.begin(), table.integers.end(), column) !=
               table.integers.end()) {
      sqlite3_bind_int64(statement, column + 1, std::stoll(value));
    } else {
      sqlite3_bind_text(statement, column + 1, value.c_str(), static_cast<int>(value.size()),
                        SQLITE_STATIC);
    }
  }
  if (sqlite3_step(statement) != SQLITE_DONE) {
    std::cerr << sqlite3_errmsg(db) << "\n";
    return false;
  }
  sqlite3_reset(statement);
  return true;
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
         {"calls_workspace", "calls_workspace_agent", "calls_campaign", "calls_to", "calls_day",
          "call_states_status", "call_states_provider_call"}) {
      if (!run(db, ("DROP INDEX IF EXISTS " + std::string(index)).c_str())) return 1;
    }
  }
  std::vector<sqlite3_stmt*> statements;
  for (const Table& table : kTables) {
    std::string insert =
        std::string("INSERT INTO ") + table.name + " (" + table.columns + ") VALUES (?";
    for (int i = 1; i < table.columnCount; ++i) insert += ",?";
    insert += ")";
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, insert.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
      std::cerr << sqlite3_errmsg(db) << "\n";
      return 1;
    }
    statements.push_back(statement);
  }
  std::size_t rows = 0;
  const auto start = std::chrono::steady_clock::now();
  const double cpuStart = cpuSeconds();
  for (const auto& batch : batches) {
    if (!run(db, "BEGIN IMMEDIATE")) return 1;
    for (std::size_t t = 0; t < batch.size(); ++t) {
      for (const Row& row : batch[t]) {
        if (!insertRow(db, statements[t], kTables[t], row)) return 1;
      }
    }
    rows += batch.front().size();
    if (!run(db, "COMMIT")) return 1;
  }
  const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - start;
  std::cout << "sqlite, " << (primaryKeyOnly ? "primary key only" : "schema as migrated") << ": "
            << rows << " calls in " << batches.size() << " transactions, " << wall.count()
            << " s wall, " << cpuSeconds() - cpuStart << " s CPU\n";
  for (sqlite3_stmt* statement : statements) sqlite3_finalize(statement);
  sqlite3_close(db);
  return 0;
}
