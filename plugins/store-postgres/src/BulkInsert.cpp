#include "vo/store_postgres/BulkInsert.h"

#include <Poco/Data/PostgreSQL/PostgreSQLException.h>

#include <memory>
#include <string>
#include <vector>

#include "vo/sql/CallColumns.h"

namespace vo::store_postgres {

namespace {

struct ResultFree {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultFree>;

[[noreturn]] void fail(PGconn* connection, PGresult* result, const std::string& what) {
  std::string message = what + ": ";
  message += result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(connection);
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  // The same "State: " marker Poco's own errors carry, so one classifier reads both.
  message += std::string(" State: ") + (state != nullptr ? state : "");
  throw Poco::Data::PostgreSQL::StatementException(message);
}

void expect(PGconn* connection, ResultPtr result, ExecStatusType wanted, const std::string& what) {
  if (!result || PQresultStatus(result.get()) != wanted) fail(connection, result.get(), what);
}

// The text form of one value in COPY's text format: \N for NULL, backslash escapes otherwise.
void appendCopyValue(std::string& out, const vo::sql::SqlValue& value) {
  if (std::holds_alternative<std::nullptr_t>(value)) {
    out += "\\N";
  } else if (const auto* number = std::get_if<int64_t>(&value)) {
    out += std::to_string(*number);
  } else if (const auto* real = std::get_if<double>(&value)) {
    out += std::to_string(*real);
  } else {
    for (char c : std::get<std::string>(value)) {
      switch (c) {
        case '\\':
          out += "\\\\";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        default:
          out += c;
      }
    }
  }
}

// Text parameters for PQexecParams: nullptr for NULL.
void appendParams(std::vector<std::string>& texts, std::vector<bool>& nulls,
                  const vo::sql::SqlParams& params) {
  for (const vo::sql::SqlValue& value : params) {
    nulls.push_back(std::holds_alternative<std::nullptr_t>(value));
    if (const auto* number = std::get_if<int64_t>(&value)) {
      texts.push_back(std::to_string(*number));
    } else if (const auto* text = std::get_if<std::string>(&value)) {
      texts.push_back(*text);
    } else if (const auto* real = std::get_if<double>(&value)) {
      texts.push_back(std::to_string(*real));
    } else {
      texts.emplace_back();
    }
  }
}

}  // namespace

void copyCalls(PGconn* connection, std::span<const vo::api::Call> calls) {
  const std::string command = "COPY calls (" + std::string(vo::sql::kCallColumns) + ") FROM STDIN";
  expect(connection, ResultPtr(PQexec(connection, command.c_str())), PGRES_COPY_IN, "COPY calls");
  constexpr std::size_t kChunk = 1 << 20;
  std::string buffer;
  buffer.reserve(kChunk + 4096);
  bool sendFailed = false;
  for (const vo::api::Call& call : calls) {
    const vo::sql::SqlParams values = vo::sql::callParams(call);
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i > 0) buffer += '\t';
      appendCopyValue(buffer, values[i]);
    }
    buffer += '\n';
    if (buffer.size() >= kChunk) {
      if (PQputCopyData(connection, buffer.data(), static_cast<int>(buffer.size())) != 1) {
        sendFailed = true;
        break;
      }
      buffer.clear();
    }
  }
  if (!sendFailed && !buffer.empty()) {
    sendFailed = PQputCopyData(connection, buffer.data(), static_cast<int>(buffer.size())) != 1;
  }
  if (PQputCopyEnd(connection, sendFailed ? "sending rows failed" : nullptr) != 1) {
    fail(connection, nullptr, "COPY calls");
  }
  ResultPtr result(PQgetResult(connection));
  // Drain every result so the connection is ready for the next command.
  for (ResultPtr extra(PQgetResult(connection)); extra; extra.reset(PQgetResult(connection))) {
  }
  expect(connection, std::move(result), PGRES_COMMAND_OK, "COPY calls");
}

void insertCallsMultiRow(PGconn* connection, std::span<const vo::api::Call> calls,
                         int rowsPerStatement) {
  const std::size_t columns = vo::sql::kCallColumnCount;
  for (std::size_t first = 0; first < calls.size(); first += rowsPerStatement) {
    const std::size_t rows = std::min<std::size_t>(rowsPerStatement, calls.size() - first);
    std::string sql = "INSERT INTO calls (" + std::string(vo::sql::kCallColumns) + ") VALUES ";
    std::vector<std::string> texts;
    std::vector<bool> nulls;
    texts.reserve(rows * columns);
    for (std::size_t row = 0; row < rows; ++row) {
      sql += row == 0 ? "(" : ", (";
      for (std::size_t column = 0; column < columns; ++column) {
        if (column > 0) sql += ", ";
        sql += "$" + std::to_string(row * columns + column + 1);
      }
      sql += ")";
      appendParams(texts, nulls, vo::sql::callParams(calls[first + row]));
    }
    std::vector<const char*> pointers(texts.size());
    for (std::size_t i = 0; i < texts.size(); ++i) {
      pointers[i] = nulls[i] ? nullptr : texts[i].c_str();
    }
    expect(connection,
           ResultPtr(PQexecParams(connection, sql.c_str(), static_cast<int>(pointers.size()),
                                  nullptr, pointers.data(), nullptr, nullptr, 0)),
           PGRES_COMMAND_OK, "INSERT calls");
  }
}

}  // namespace vo::store_postgres
