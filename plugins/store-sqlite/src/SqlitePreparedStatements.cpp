#include "vo/store_sqlite/SqlitePreparedStatements.h"

#include <Poco/Data/SQLite/Utility.h>

namespace vo::store_sqlite {

namespace {

void bind(sqlite3_stmt* statement, int index, const vo::sql::SqlValue& value) {
  if (const auto* text = std::get_if<std::string>(&value)) {
    // SQLITE_STATIC: the parameters outlive the run (the statement is reset before returning).
    sqlite3_bind_text(statement, index, text->data(), static_cast<int>(text->size()),
                      SQLITE_STATIC);
  } else if (const auto* number = std::get_if<int64_t>(&value)) {
    sqlite3_bind_int64(statement, index, *number);
  } else if (const auto* real = std::get_if<double>(&value)) {
    sqlite3_bind_double(statement, index, *real);
  } else {
    sqlite3_bind_null(statement, index);
  }
}

vo::sql::SqlField columnOf(sqlite3_stmt* statement, int column) {
  switch (sqlite3_column_type(statement, column)) {
    case SQLITE_INTEGER:
      return static_cast<int64_t>(sqlite3_column_int64(statement, column));
    case SQLITE_FLOAT:
      return sqlite3_column_double(statement, column);
    case SQLITE_NULL:
      return {};
    default: {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
      return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(statement, column)));
    }
  }
}

// Resets the statement however the run ends: a statement left mid-run would hold its read
// transaction open, and its bindings point into the caller's parameters.
struct ResetOnExit {
  sqlite3_stmt* statement;
  ~ResetOnExit() {
    sqlite3_reset(statement);
    sqlite3_clear_bindings(statement);
  }
};

}  // namespace

SqlitePreparedStatements::~SqlitePreparedStatements() = default;

SqlitePreparedStatements::StatementPtr SqlitePreparedStatements::prepare(const std::string& sql,
                                                                         bool persistent) {
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                                    persistent ? SQLITE_PREPARE_PERSISTENT : 0, &raw, nullptr);
  StatementPtr statement(raw);
  if (rc != SQLITE_OK) Poco::Data::SQLite::Utility::throwException(db_, rc, sql);
  return statement;
}

std::vector<vo::sql::SqlRow> SqlitePreparedStatements::query(const std::string& sql,
                                                             const vo::sql::SqlParams& params) {
  StatementPtr once;
  sqlite3_stmt* statement = nullptr;
  if (auto found = cached_.find(sql); found != cached_.end()) {
    statement = found->second.get();
  } else if (cached_.size() < kMaxCached) {
    statement = cached_.emplace(sql, prepare(sql, true)).first->second.get();
  } else {
    once = prepare(sql, false);
    statement = once.get();
  }
  ResetOnExit reset{statement};
  for (std::size_t i = 0; i < params.size(); ++i)
    bind(statement, static_cast<int>(i + 1), params[i]);
  std::vector<vo::sql::SqlRow> rows;
  const int columns = sqlite3_column_count(statement);
  for (;;) {
    const int rc = sqlite3_step(statement);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) {
      // The primary code, as Poco's own statements report it, so classify() reads both alike.
      Poco::Data::SQLite::Utility::throwException(db_, sqlite3_extended_errcode(db_) & 0xff, sql);
    }
    vo::sql::SqlRow& row = rows.emplace_back(static_cast<std::size_t>(columns));
    for (int column = 0; column < columns; ++column) row[column] = columnOf(statement, column);
  }
  return rows;
}

std::vector<std::vector<vo::sql::SqlRow>> SqlitePreparedStatements::queryInOneTransaction(
    std::span<const vo::sql::SqlStatement> statements) {
  std::vector<std::vector<vo::sql::SqlRow>> results;
  results.reserve(statements.size());
  // IMMEDIATE takes the write lock now, so two writers never deadlock upgrading read locks.
  query("BEGIN IMMEDIATE", {});
  try {
    for (const vo::sql::SqlStatement& statement : statements) {
      results.push_back(query(statement.sql, statement.params));
    }
    query("COMMIT", {});
  } catch (...) {
    // The error being thrown is the one to report; a failed ROLLBACK leaves the connection in a
    // transaction, which SqliteBackend::isUsable() sees, so the pool drops it.
    if (sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  return results;
}

}  // namespace vo::store_sqlite
