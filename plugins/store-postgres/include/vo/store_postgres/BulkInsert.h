#pragma once

#include <libpq-fe.h>

#include <span>

#include "vo/api/Call.h"

namespace vo::store_postgres {

// Writes calls on a libpq connection inside its open transaction. Both throw
// Poco::Data::PostgreSQL::StatementException carrying libpq's message and SQLSTATE.
// Each call is a row of `calls` and one of `call_states`.
// COPY calls and call_states (...) FROM STDIN in text format, streamed in chunks.
void copyCalls(PGconn* connection, std::span<const vo::api::Call> calls);
// INSERT ... VALUES (...), (...) with up to `rowsPerStatement` rows of text parameters each.
void insertCallsMultiRow(PGconn* connection, std::span<const vo::api::Call> calls,
                         int rowsPerStatement = 1000);

}  // namespace vo::store_postgres
