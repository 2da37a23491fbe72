#pragma once

#include <Poco/Data/Session.h>
#include <Poco/Dynamic/Var.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "vo/sql/PreparedStatements.h"
#include "vo/sql/SqlBackend.h"
#include "vo/sql/SqlValue.h"

namespace vo::sql {

// Text of a column, "" for NULL; the rvalue overload moves the text out.
std::string textOf(const SqlField& field);
std::string textOf(SqlField&& field);
// Integer of a column, `fallback` for NULL. Throws Poco::SyntaxException for text that is no
// integer (a fraction included), as Poco's own conversion did.
int64_t intOf(const SqlField& field, int64_t fallback = 0);
double doubleOf(const SqlField& field);
// A column read through Poco::Data, as a field.
SqlField fieldOf(const Poco::Dynamic::Var& value);
// A JSON array of the strings: a list bound as one parameter (see SqlBackend::inJsonTextArray).
std::string jsonArrayOf(std::span<const std::string> texts);
// NULL for an empty string, so optional text columns stay out of partial indexes and FKs.
SqlValue textOrNull(const std::string& text);

// Runs shared SQL (with `?` placeholders) on one session. Throws Poco exceptions.
class SqlRunner {
 public:
  SqlRunner(SqlBackend& backend, Poco::Data::Session& session, PreparedStatements& prepared)
      : backend_(backend), session_(session), prepared_(prepared) {}

  // Rows returned by the statement, through Poco::Data (prepared anew each time: for statements
  // off the hot path, whose shapes vary).
  std::vector<SqlRow> query(std::string_view sql, const SqlParams& params = {});
  // Rows affected by the statement, through Poco::Data.
  int64_t execute(std::string_view sql, const SqlParams& params = {});
  // The hot path: the connection's statements prepared once (see PreparedStatements).
  PreparedStatements& prepared() { return prepared_; }
  Poco::Data::Session& session() { return session_; }

 private:
  SqlBackend& backend_;
  Poco::Data::Session& session_;
  PreparedStatements& prepared_;
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
