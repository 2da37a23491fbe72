#pragma once

#include <span>
#include <string>
#include <vector>

#include "vo/sql/SqlValue.h"

namespace vo::sql {

// One statement of a batch: shared SQL (`?` placeholders) and its parameters.
struct SqlStatement {
  std::string sql;
  SqlParams params;
};

// The hot path's statements on one connection, run through the database's own client library:
// each SQL text is prepared the first time it runs on the connection and reused after (the
// store's hot statements have few shapes). Made by SqlBackend::prepareStatements() and owned by
// the pooled connection, so it dies before its connection closes. Not thread-safe, like the
// connection. Methods throw Poco exceptions, as SqlRunner's do.
class PreparedStatements {
 public:
  virtual ~PreparedStatements();

  // The rows the statement returns (none for a write without RETURNING).
  virtual std::vector<SqlRow> query(const std::string& sql, const SqlParams& params) = 0;
  // Runs the statements in order in one transaction of their own and returns each one's rows;
  // all or nothing: when one fails, the others are rolled back and the error is thrown.
  // PostgreSQL sends them in one round trip (pipeline mode). Callers serialize writers first
  // (SqlBackend::lockWriter) where the database needs it.
  virtual std::vector<std::vector<SqlRow>> queryInOneTransaction(
      std::span<const SqlStatement> statements) = 0;
};

}  // namespace vo::sql
