#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>
#include <unordered_map>

#include "vo/sql/PreparedStatements.h"

namespace vo::store_sqlite {

// The hot statements of one SQLite connection, each prepared once (SQLITE_PREPARE_PERSISTENT)
// and reset after every run. Finalized when destroyed, before the connection closes.
class SqlitePreparedStatements final : public vo::sql::PreparedStatements {
 public:
  explicit SqlitePreparedStatements(sqlite3* db) : db_(db) {}
  ~SqlitePreparedStatements() override;

  std::vector<vo::sql::SqlRow> query(const std::string& sql,
                                     const vo::sql::SqlParams& params) override;
  std::vector<std::vector<vo::sql::SqlRow>> queryInOneTransaction(
      std::span<const vo::sql::SqlStatement> statements) override;

  // Statements kept per connection; past it, a new SQL text is prepared for one run only (the
  // hot path has a few dozen shapes; this bounds a caller that builds unbounded ones).
  static constexpr std::size_t kMaxCached = 256;

 private:
  struct Finalize {
    void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
  };
  using StatementPtr = std::unique_ptr<sqlite3_stmt, Finalize>;

  StatementPtr prepare(const std::string& sql, bool persistent);

  sqlite3* db_;
  std::unordered_map<std::string, StatementPtr> cached_;
};

}  // namespace vo::store_sqlite
