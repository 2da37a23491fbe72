#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace vo::sql {

// A statement parameter; nullptr binds SQL NULL.
using SqlValue = std::variant<std::nullptr_t, int64_t, double, std::string>;
using SqlParams = std::vector<SqlValue>;

// One column of a result row as the database gave it: NULL, an integer, a real or text
// (PostgreSQL answers in text, SQLite typed). Read with textOf, intOf and doubleOf (SqlQuery.h).
// A plain value, not Poco::Dynamic::Var: reading a row of the calls table through Vars (a heap
// holder per column, then a conversion and a copy) was a measurable part of every claim and
// webhook batch.
class SqlField {
 public:
  SqlField() = default;  // NULL
  SqlField(int64_t number) : value_(number) {}
  SqlField(double real) : value_(real) {}
  SqlField(std::string text) : value_(std::move(text)) {}

  bool isEmpty() const { return std::holds_alternative<std::monostate>(value_); }
  const int64_t* integer() const { return std::get_if<int64_t>(&value_); }
  const double* real() const { return std::get_if<double>(&value_); }
  const std::string* text() const { return std::get_if<std::string>(&value_); }
  std::string* text() { return std::get_if<std::string>(&value_); }

 private:
  std::variant<std::monostate, int64_t, double, std::string> value_;
};

using SqlRow = std::vector<SqlField>;

}  // namespace vo::sql
