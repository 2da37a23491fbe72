#include "vo/sql/SqlQuery.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace vo::sql {

using Poco::Data::Keywords::bind;
using Poco::Data::Keywords::use;

std::string textOf(const Poco::Dynamic::Var& value) {
  return value.isEmpty() ? std::string() : value.convert<std::string>();
}

int64_t intOf(const Poco::Dynamic::Var& value, int64_t fallback) {
  return value.isEmpty() ? fallback : value.convert<Poco::Int64>();
}

double doubleOf(const Poco::Dynamic::Var& value) {
  return value.isEmpty() ? 0.0 : value.convert<double>();
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
      if (!records.isNull(column, row)) result[row][column] = records.value(column, row);
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
