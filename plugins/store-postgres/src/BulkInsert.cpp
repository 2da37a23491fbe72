#include "vo/store_postgres/BulkInsert.h"

#include <memory>
#include <string>
#include <vector>

#include "vo/sql/CallColumns.h"
#include "vo/store_postgres/PgClient.h"

namespace vo::store_postgres {

namespace {

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

// A call is two rows: what never changes in `calls`, what does in `call_states`.
struct CallTable {
  const char* name;
  std::string_view columns;
  std::size_t columnCount;
  vo::sql::SqlParams (*paramsOf)(const vo::api::Call&);
};

constexpr CallTable kCallTables[] = {
    {"calls", vo::sql::kCallRecordColumns, vo::sql::kCallRecordColumnCount, &vo::sql::recordParams},
    {"call_states", vo::sql::kCallStateColumns, vo::sql::kCallStateColumnCount,
     &vo::sql::stateParams},
};

void copyRows(PGconn* connection, const CallTable& table, std::span<const vo::api::Call> calls) {
  const std::string what = std::string("COPY ") + table.name;
  const std::string command = what + " (" + std::string(table.columns) + ") FROM STDIN";
  expectPgStatus(connection, PgResultPtr(PQexec(connection, command.c_str())), PGRES_COPY_IN, what);
  constexpr std::size_t kChunk = 1 << 20;
  std::string buffer;
  buffer.reserve(kChunk + 4096);
  bool sendFailed = false;
  for (const vo::api::Call& call : calls) {
    const vo::sql::SqlParams values = table.paramsOf(call);
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
    throwPgError(connection, nullptr, what);
  }
  PgResultPtr result(PQgetResult(connection));
  // Drain every result so the connection is ready for the next command.
  for (PgResultPtr extra(PQgetResult(connection)); extra; extra.reset(PQgetResult(connection))) {
  }
  expectPgStatus(connection, result, PGRES_COMMAND_OK, what);
}

void insertRowsMultiRow(PGconn* connection, const CallTable& table,
                        std::span<const vo::api::Call> calls, int rowsPerStatement) {
  const std::size_t columns = table.columnCount;
  const std::string what = std::string("INSERT ") + table.name;
  for (std::size_t first = 0; first < calls.size(); first += rowsPerStatement) {
    const std::size_t rows = std::min<std::size_t>(rowsPerStatement, calls.size() - first);
    std::string sql =
        std::string("INSERT INTO ") + table.name + " (" + std::string(table.columns) + ") VALUES ";
    PgTextParams params;
    for (std::size_t row = 0; row < rows; ++row) {
      sql += row == 0 ? "(" : ", (";
      for (std::size_t column = 0; column < columns; ++column) {
        if (column > 0) sql += ", ";
        sql += "$" + std::to_string(row * columns + column + 1);
      }
      sql += ")";
      params.append(table.paramsOf(calls[first + row]));
    }
    expectPgStatus(connection,
                   PgResultPtr(PQexecParams(connection, sql.c_str(), params.count(), nullptr,
                                            params.values(), nullptr, nullptr, 0)),
                   PGRES_COMMAND_OK, what);
  }
}

}  // namespace

void copyCalls(PGconn* connection, std::span<const vo::api::Call> calls) {
  for (const CallTable& table : kCallTables) copyRows(connection, table, calls);
}

void insertCallsMultiRow(PGconn* connection, std::span<const vo::api::Call> calls,
                         int rowsPerStatement) {
  for (const CallTable& table : kCallTables) {
    insertRowsMultiRow(connection, table, calls, rowsPerStatement);
  }
}

}  // namespace vo::store_postgres
