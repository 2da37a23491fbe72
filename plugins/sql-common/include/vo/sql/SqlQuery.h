#pragma once

#include <Poco/Data/Session.h>
#include <Poco/Dynamic/Var.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "vo/sql/SqlBackend.h"

namespace vo::sql {

// A statement parameter; nullptr binds SQL NULL.
using SqlValue = std::variant<std::nullptr_t, int64_t, double, std::string>;
using SqlParams = std::vector<SqlValue>;
// One result row; an empty Var is SQL NULL.
using SqlRow = std::vector<Poco::Dynamic::Var>;

// Text of a column, "" for NULL.
std::string textOf(const Poco::Dynamic::Var& value);
// Integer of a column, `fallback` for NULL.
int64_t intOf(const Poco::Dynamic::Var& value, int64_t fallback = 0);
double doubleOf(const Poco::Dynamic::Var& value);
// NULL for an empty string, so optional text columns stay out of partial indexes and FKs.
SqlValue textOrNull(const std::string& text);

// Runs shared SQL (with `?` placeholders) on one session. Throws Poco exceptions.
class SqlRunner {
 public:
  SqlRunner(SqlBackend& backend, Poco::Data::Session& session)
      : backend_(backend), session_(session) {}

  // Rows returned by the statement.
  std::vector<SqlRow> query(std::string_view sql, const SqlParams& params = {});
  // Rows affected by the statement.
  int64_t execute(std::string_view sql, const SqlParams& params = {});
  Poco::Data::Session& session() { return session_; }

 private:
  SqlBackend& backend_;
  Poco::Data::Session& session_;
};

// A WHERE clause grown one condition at a time, with its parameters in order.
struct SqlWhere {
  std::string sql;
  SqlParams params;
  void add(std::string_view condition, SqlValue value);
  void addIn(std::string_view column, const std::vector<std::string>& values);
  std::string clause() const { return sql.empty() ? std::string() : " WHERE " + sql; }
};

}  // namespace vo::sql
