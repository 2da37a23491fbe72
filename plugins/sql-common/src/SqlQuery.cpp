#include "vo/sql/SqlQuery.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <Poco/Exception.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>
#include <optional>
#include <utility>

namespace vo::sql {

using Poco::Data::Keywords::bind;
using Poco::Data::Keywords::use;

namespace {

[[noreturn]] void throwNotANumber(const std::string& text) {
  throw Poco::SyntaxException("not a number: " + text.substr(0, 40));
}

// The whole text as a T, or nullopt.
template <typename T>
std::optional<T> parsed(const std::string& text) {
  T value{};
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || stop != end) return std::nullopt;
  return value;
}

std::string textOfReal(double real) {
  char text[32];
  const auto [end, error] = std::to_chars(text, text + sizeof text, real);
  return error == std::errc() ? std::string(text, end) : std::to_string(real);
}

}  // namespace

std::string textOf(const SqlField& field) {
  if (const std::string* text = field.text()) return *text;
  if (const int64_t* number = field.integer()) return std::to_string(*number);
  if (const double* real = field.real()) return textOfReal(*real);
  return {};
}

std::string textOf(SqlField&& field) {
  if (std::string* text = field.text()) return std::move(*text);
  return textOf(std::as_const(field));
}

int64_t intOf(const SqlField& field, int64_t fallback) {
  if (const int64_t* number = field.integer()) return *number;
  if (const std::string* text = field.text()) {
    if (auto number = parsed<int64_t>(*text)) return *number;
    throwNotANumber(*text);  // a fraction too, as Poco's conversion refused it
  }
  if (const double* real = field.real()) return static_cast<int64_t>(*real);
  return fallback;
}

double doubleOf(const SqlField& field) {
  if (const double* real = field.real()) return *real;
  if (const int64_t* number = field.integer()) return static_cast<double>(*number);
  if (const std::string* text = field.text()) {
    if (auto real = parsed<double>(*text)) return *real;
    throwNotANumber(*text);
  }
  return 0.0;
}

SqlField fieldOf(const Poco::Dynamic::Var& value) {
  if (value.isEmpty()) return {};
  if (value.isInteger()) return SqlField(static_cast<int64_t>(value.convert<Poco::Int64>()));
  if (value.isNumeric()) return SqlField(value.convert<double>());
  return SqlField(value.convert<std::string>());
}

SqlValue textOrNull(const std::string& text) {
  if (text.empty()) return nullptr;
  return text;
}

std::string jsonArrayOf(std::span<const std::string> texts) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartArray();
  for (const std::string& text : texts) {
    writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  }
  writer.EndArray();
  return std::string(buffer.GetString(), buffer.GetSize());
}

namespace {

void bindAll(Poco::Data::Statement& statement, const SqlParams& params) {
  for (const SqlValue& param : params) {
    if (std::holds_alternative<std::nullptr_t>(param)) {
      statement, use(Poco::Data::Keywords::null);
    } else if (const auto* number = std::get_if<int64_t>(&param)) {
      statement, bind(static_cast<Poco::Int64>(*number));
    } else if (const auto* real = std::get_if<double>(&param)) {
      statement, bind(*real);
    } else {
      statement, bind(std::get<std::string>(param));
    }
  }
}

}  // namespace

std::vector<SqlRow> SqlRunner::query(std::string_view sql, const SqlParams& params) {
  Poco::Data::Statement statement(session_);
  statement << backend_.placeholders(sql);
  bindAll(statement, params);
  statement.execute();
  Poco::Data::RecordSet records(statement);
  const std::size_t columns = records.columnCount();
  const std::size_t rows = records.rowCount();
  std::vector<SqlRow> result(rows, SqlRow(columns));
  for (std::size_t row = 0; row < rows; ++row) {
    for (std::size_t column = 0; column < columns; ++column) {
      if (!records.isNull(column, row)) result[row][column] = fieldOf(records.value(column, row));
    }
  }
  return result;
}

int64_t SqlRunner::execute(std::string_view sql, const SqlParams& params) {
  Poco::Data::Statement statement(session_);
  statement << backend_.placeholders(sql);
  bindAll(statement, params);
  return static_cast<int64_t>(statement.execute());
}

void SqlWhere::add(std::string_view condition, SqlValue value) {
  if (!sql.empty()) sql += " AND ";
  sql += condition;
  params.push_back(std::move(value));
}

void SqlWhere::addIn(std::string_view column, const std::vector<std::string>& values) {
  if (!sql.empty()) sql += " AND ";
  sql += column;
  sql += " IN (";
  for (std::size_t i = 0; i < values.size(); ++i) {
    sql += i == 0 ? "?" : ", ?";
    params.emplace_back(values[i]);
  }
  sql += ")";
}

}  // namespace vo::sql
