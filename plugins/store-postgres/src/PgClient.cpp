#include "vo/store_postgres/PgClient.h"

#include <Poco/Data/PostgreSQL/PostgreSQLException.h>
#include <Poco/Data/PostgreSQL/SessionImpl.h>

namespace vo::store_postgres {

PGconn* connectionOf(Poco::Data::Session& session) {
  auto* impl = dynamic_cast<Poco::Data::PostgreSQL::SessionImpl*>(session.impl());
  if (impl == nullptr) throw Poco::Data::NotConnectedException("not a PostgreSQL session");
  return impl->handle();
}

void throwPgError(PGconn* connection, const PGresult* result, const std::string& what) {
  std::string message = what + ": ";
  message += result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(connection);
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  message += std::string(" State: ") + (state != nullptr ? state : "");
  throw Poco::Data::PostgreSQL::StatementException(message);
}

void expectPgStatus(PGconn* connection, const PgResultPtr& result, ExecStatusType wanted,
                    const std::string& what) {
  if (!result || PQresultStatus(result.get()) != wanted) {
    throwPgError(connection, result.get(), what);
  }
}

void PgTextParams::append(const vo::sql::SqlParams& params) {
  for (const vo::sql::SqlValue& value : params) {
    nulls_.push_back(std::holds_alternative<std::nullptr_t>(value));
    if (const auto* number = std::get_if<int64_t>(&value)) {
      texts_.push_back(std::to_string(*number));
    } else if (const auto* text = std::get_if<std::string>(&value)) {
      texts_.push_back(*text);
    } else if (const auto* real = std::get_if<double>(&value)) {
      texts_.push_back(std::to_string(*real));
    } else {
      texts_.emplace_back();
    }
  }
}

const char* const* PgTextParams::values() {
  pointers_.resize(texts_.size());
  for (std::size_t i = 0; i < texts_.size(); ++i) {
    pointers_[i] = nulls_[i] ? nullptr : texts_[i].c_str();
  }
  return pointers_.data();
}

}  // namespace vo::store_postgres
