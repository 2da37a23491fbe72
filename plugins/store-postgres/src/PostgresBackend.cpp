#include "vo/store_postgres/PostgresBackend.h"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/PostgreSQL/PostgreSQLException.h>
#include <Poco/Data/PostgreSQL/SessionImpl.h>
#include <Poco/Data/Statement.h>
#include <libpq-fe.h>

#include "vo/sql/SqlQuery.h"
#include "vo/store_postgres/BulkInsert.h"
#include "vo/store_postgres/PgClient.h"
#include "vo/store_postgres/PostgresPreparedStatements.h"

namespace vo::store_postgres {

namespace {

using Poco::Data::Keywords::now;

// The SQLSTATE in a Poco PostgreSQL message ("... State: 23505 ..."), or "".
std::string sqlStateOf(const std::string& message) {
  const std::size_t at = message.find("State: ");
  if (at == std::string::npos || at + 12 > message.size()) return "";
  return message.substr(at + 7, 5);
}

}  // namespace

PostgresBackend::PostgresBackend(PostgresSettings settings) : settings_(std::move(settings)) {
  Poco::Data::PostgreSQL::Connector::registerConnector();
}

PostgresBackend::~PostgresBackend() = default;

Poco::Data::Session PostgresBackend::openSession() {
  Poco::Data::Session session(Poco::Data::PostgreSQL::Connector::KEY, settings_.connectionString,
                              static_cast<std::size_t>(settings_.connectTimeoutSecs));
  if (!settings_.schema.empty()) {
    // Validated as a plain lowercase identifier, so it needs no quoting beyond this.
    session << "SET search_path TO \"" + settings_.schema + "\"", now;
  }
  return session;
}

bool PostgresBackend::isUsable(Poco::Data::Session& session) {
  PGconn* connection = connectionOf(session);
  return PQstatus(connection) == CONNECTION_OK && PQtransactionStatus(connection) == PQTRANS_IDLE &&
         PQpipelineStatus(connection) == PQ_PIPELINE_OFF;
}

std::string PostgresBackend::numbered(std::string_view sql) {
  std::string converted;
  converted.reserve(sql.size() + 16);
  int next = 0;
  for (char c : sql) {
    if (c == '?') {
      converted += '$';
      converted += std::to_string(++next);
    } else {
      converted += c;
    }
  }
  return converted;
}

void PostgresBackend::beginWrite(Poco::Data::Session& session) {
  PGconn* connection = connectionOf(session);
  PGresult* result = PQexec(connection, "BEGIN");
  const bool ok = result != nullptr && PQresultStatus(result) == PGRES_COMMAND_OK;
  PQclear(result);
  if (!ok) {
    throw Poco::Data::PostgreSQL::ConnectionException(std::string("BEGIN: ") +
                                                      PQerrorMessage(connection));
  }
}

void PostgresBackend::lockForMigration(Poco::Data::Session& session) {
  // Instances starting together queue here; each then finds the versions already applied.
  session << "SELECT pg_advisory_xact_lock(hashtext('voice-orchestrator migrate ' || $1))",
      Poco::Data::Keywords::bind(settings_.schema), now;
  if (!settings_.schema.empty()) {
    session << "CREATE SCHEMA IF NOT EXISTS \"" + settings_.schema + "\"", now;
  }
}

std::unique_ptr<vo::sql::PreparedStatements> PostgresBackend::prepareStatements(
    Poco::Data::Session& session) {
  return std::make_unique<PostgresPreparedStatements>(
      session, settings_.preparedStatements ? PostgresPreparedStatements::kMaxPrepared : 0);
}

void PostgresBackend::insertCalls(vo::sql::SqlRunner& sql, std::span<const vo::api::Call> calls) {
  Poco::Data::Session& session = sql.session();
  if (settings_.insertMethod == InsertMethod::kCopy) {
    copyCalls(connectionOf(session), calls);
  } else {
    insertCallsMultiRow(connectionOf(session), calls);
  }
}

vo::api::ErrorCode PostgresBackend::classify(const Poco::Exception& error) const {
  using vo::api::ErrorCode;
  if (vo::sql::isConnectionFailure(error)) return ErrorCode::kUnavailable;
  const std::string message = error.displayText();
  const std::string state = sqlStateOf(message);
  if (state == "23505") return ErrorCode::kConflict;  // unique_violation
  if (state == "23503") return ErrorCode::kInvalid;   // foreign_key_violation: unknown parent
  // Connection failures (08), shutdowns (57P), resource limits (53), and serialization or
  // deadlock aborts (40): the database is not answering this request; a retry may succeed.
  if (state.starts_with("08") || state.starts_with("57P") || state.starts_with("53") ||
      state.starts_with("40")) {
    return ErrorCode::kUnavailable;
  }
  if (dynamic_cast<const Poco::Data::PostgreSQL::ConnectionException*>(&error) != nullptr) {
    return ErrorCode::kUnavailable;
  }
  // libpq reports a dropped connection without a SQLSTATE.
  if (state.empty() || state == "N/A") {
    for (const char* marker :
         {"server closed the connection", "no connection to the server", "connection to server",
          "terminating connection", "could not receive data", "could not send data"}) {
      if (message.find(marker) != std::string::npos) return ErrorCode::kUnavailable;
    }
  }
  return ErrorCode::kInternal;
}

}  // namespace vo::store_postgres
