#include "vo/store_postgres/PostgresPreparedStatements.h"

#include <Poco/Data/PostgreSQL/PostgreSQLException.h>

#include <optional>

#include "vo/store_postgres/PgClient.h"
#include "vo/store_postgres/PostgresBackend.h"

namespace vo::store_postgres {

namespace {

// Rows of a result in text format; NULL reads as an empty field.
std::vector<vo::sql::SqlRow> rowsOf(const PGresult* result) {
  const int rows = PQntuples(result);
  const int columns = PQnfields(result);
  std::vector<vo::sql::SqlRow> out(static_cast<std::size_t>(rows),
                                   vo::sql::SqlRow(static_cast<std::size_t>(columns)));
  for (int row = 0; row < rows; ++row) {
    for (int column = 0; column < columns; ++column) {
      if (PQgetisnull(result, row, column)) continue;
      out[row][column] = vo::sql::SqlField(
          std::string(PQgetvalue(result, row, column),
                      static_cast<std::size_t>(PQgetlength(result, row, column))));
    }
  }
  return out;
}

[[noreturn]] void throwConnectionError(PGconn* connection, const std::string& what) {
  throw Poco::Data::PostgreSQL::ConnectionException(what + ": " + PQerrorMessage(connection));
}

bool succeeded(const PGresult* result) {
  const ExecStatusType status = PQresultStatus(result);
  return status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK;
}

}  // namespace

PostgresPreparedStatements::~PostgresPreparedStatements() = default;

PGconn* PostgresPreparedStatements::connection() {
  PGconn* current = connectionOf(session_);
  const int pid = PQbackendPID(current);
  if (current != preparedOn_ || pid != backendPid_) {
    names_.clear();
    preparedOn_ = current;
    backendPid_ = pid;
  }
  return current;
}

const std::string& PostgresPreparedStatements::nameFor(PGconn* connection, const std::string& sql) {
  static const std::string kUnprepared;
  if (auto found = names_.find(sql); found != names_.end()) return found->second;
  if (names_.size() >= maxPrepared_) return kUnprepared;
  std::string name = "vo_" + std::to_string(++nextName_);
  const PgResultPtr prepared(
      PQprepare(connection, name.c_str(), PostgresBackend::numbered(sql).c_str(), 0, nullptr));
  expectPgStatus(connection, prepared, PGRES_COMMAND_OK, "PREPARE " + sql);
  return names_.emplace(sql, std::move(name)).first->second;
}

std::vector<vo::sql::SqlRow> PostgresPreparedStatements::query(const std::string& sql,
                                                               const vo::sql::SqlParams& params) {
  PGconn* pg = connection();
  const std::string& name = nameFor(pg, sql);
  PgTextParams values(params);
  const PgResultPtr result(
      name.empty()
          ? PQexecParams(pg, PostgresBackend::numbered(sql).c_str(), values.count(), nullptr,
                         values.values(), nullptr, nullptr, 0)
          : PQexecPrepared(pg, name.c_str(), values.count(), values.values(), nullptr, nullptr, 0));
  if (!result || !succeeded(result.get())) throwPgError(pg, result.get(), sql);
  return rowsOf(result.get());
}

// Every statement is sent, then one Sync: the server runs them as one implicit transaction
// (a failure rolls back those before it and skips those after), and the client reads all the
// answers after a single round trip. libpq reads while it writes, so a long pipeline cannot
// deadlock on full socket buffers.
std::vector<std::vector<vo::sql::SqlRow>> PostgresPreparedStatements::queryInOneTransaction(
    std::span<const vo::sql::SqlStatement> statements) {
  std::vector<std::vector<vo::sql::SqlRow>> results;
  if (statements.empty()) return results;
  PGconn* pg = connection();
  // Preparing is a round trip of its own, so it happens before the pipeline, once per text.
  std::vector<const std::string*> names;
  names.reserve(statements.size());
  for (const vo::sql::SqlStatement& statement : statements) {
    names.push_back(&nameFor(pg, statement.sql));
  }
  if (PQenterPipelineMode(pg) != 1) throwPgError(pg, nullptr, "entering pipeline mode");
  for (std::size_t i = 0; i < statements.size(); ++i) {
    PgTextParams values(statements[i].params);
    const int sent =
        names[i]->empty()
            ? PQsendQueryParams(pg, PostgresBackend::numbered(statements[i].sql).c_str(),
                                values.count(), nullptr, values.values(), nullptr, nullptr, 0)
            : PQsendQueryPrepared(pg, names[i]->c_str(), values.count(), values.values(), nullptr,
                                  nullptr, 0);
    // Only a broken connection refuses to queue a statement; the pool drops it (isUsable).
    if (sent != 1) throwConnectionError(pg, "sending " + statements[i].sql);
  }
  if (PQpipelineSync(pg) != 1) throwConnectionError(pg, "pipeline sync");
  std::optional<std::string> failedSql;
  PgResultPtr failedResult;
  results.reserve(statements.size());
  // Each statement answers with its result then a null; the Sync answers PGRES_PIPELINE_SYNC.
  for (;;) {
    PgResultPtr result(PQgetResult(pg));
    if (!result) {
      if (PQstatus(pg) != CONNECTION_OK) break;  // the connection is gone: nothing more comes
      continue;
    }
    const ExecStatusType status = PQresultStatus(result.get());
    if (status == PGRES_PIPELINE_SYNC) break;
    if (status == PGRES_PIPELINE_ABORTED) continue;  // skipped after an earlier failure
    if (!succeeded(result.get())) {
      if (!failedResult) {
        failedSql = results.size() < statements.size() ? statements[results.size()].sql : "";
        failedResult = std::move(result);
      }
      continue;
    }
    results.push_back(rowsOf(result.get()));
  }
  if (failedResult) {
    PQexitPipelineMode(pg);  // may refuse on a broken connection; isUsable() then drops it
    throwPgError(pg, failedResult.get(), *failedSql);
  }
  if (PQexitPipelineMode(pg) != 1) throwConnectionError(pg, "leaving pipeline mode");
  if (results.size() != statements.size()) throwPgError(pg, nullptr, "pipeline: missing results");
  return results;
}

}  // namespace vo::store_postgres
