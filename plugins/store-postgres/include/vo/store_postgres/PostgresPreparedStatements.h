#pragma once

#include <Poco/Data/Session.h>
#include <libpq-fe.h>

#include <string>
#include <unordered_map>

#include "vo/sql/PreparedStatements.h"

namespace vo::store_postgres {

// The hot statements of one PostgreSQL session: each SQL text is PQprepare'd once on the
// session's libpq connection under a name of its own ("vo_1", ...) and run with
// PQexecPrepared; a batch goes out in one round trip in pipeline mode. Prepared statements live
// in the server backend, so the names are forgotten whenever the session's connection is not
// the one they were prepared on (another PGconn, or the same one reset to a new backend).
class PostgresPreparedStatements final : public vo::sql::PreparedStatements {
 public:
  // `maxPrepared`: statements kept per connection; past it (and with 0, always) a new SQL text
  // runs unnamed with its parameters (PQexecParams), which poolers like PgBouncer accept.
  PostgresPreparedStatements(Poco::Data::Session& session, std::size_t maxPrepared)
      : session_(session), maxPrepared_(maxPrepared) {}
  ~PostgresPreparedStatements() override;

  std::vector<vo::sql::SqlRow> query(const std::string& sql,
                                     const vo::sql::SqlParams& params) override;
  std::vector<std::vector<vo::sql::SqlRow>> queryInOneTransaction(
      std::span<const vo::sql::SqlStatement> statements) override;

  // The usual bound: the hot path has a few dozen shapes; this bounds a caller building more.
  static constexpr std::size_t kMaxPrepared = 256;

 private:
  // The connection, after forgetting the names when it is not the one they were prepared on.
  PGconn* connection();
  // The prepared name of `sql` ("" past maxPrepared_), preparing it now if needed.
  const std::string& nameFor(PGconn* connection, const std::string& sql);

  Poco::Data::Session& session_;
  const std::size_t maxPrepared_;
  PGconn* preparedOn_ = nullptr;
  int backendPid_ = 0;
  std::unordered_map<std::string, std::string> names_;
  int nextName_ = 0;
};

}  // namespace vo::store_postgres
