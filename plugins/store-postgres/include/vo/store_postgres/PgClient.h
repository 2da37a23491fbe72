#pragma once

#include <Poco/Data/Session.h>
#include <libpq-fe.h>

#include <memory>
#include <string>
#include <vector>

#include "vo/sql/SqlValue.h"

// Helpers for talking libpq directly on a Poco session's connection (bulk inserts, prepared
// statements, pipelines).
namespace vo::store_postgres {

// The libpq connection under a Poco PostgreSQL session. Throws NotConnectedException otherwise.
PGconn* connectionOf(Poco::Data::Session& session);

struct PgResultFree {
  void operator()(PGresult* result) const { PQclear(result); }
};
// A libpq result, cleared when it goes out of scope.
using PgResultPtr = std::unique_ptr<PGresult, PgResultFree>;

// Throws Poco::Data::PostgreSQL::StatementException with libpq's message (of `result`, or of the
// connection when there is none) and its SQLSTATE as "State: XXXXX", the marker Poco's own errors
// carry, so PostgresBackend::classify() reads both alike.
[[noreturn]] void throwPgError(PGconn* connection, const PGresult* result, const std::string& what);

// Throws as above unless `result` has the `wanted` status.
void expectPgStatus(PGconn* connection, const PgResultPtr& result, ExecStatusType wanted,
                    const std::string& what);

// Statement parameters in libpq's text format (NULL as a null pointer).
class PgTextParams {
 public:
  PgTextParams() = default;
  explicit PgTextParams(const vo::sql::SqlParams& params) { append(params); }
  void append(const vo::sql::SqlParams& params);
  int count() const { return static_cast<int>(texts_.size()); }
  // Valid until the next append().
  const char* const* values();

 private:
  std::vector<std::string> texts_;
  std::vector<bool> nulls_;
  std::vector<const char*> pointers_;
};

}  // namespace vo::store_postgres
