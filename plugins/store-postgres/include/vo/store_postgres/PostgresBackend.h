#pragma once

#include "vo/sql/SqlBackend.h"
#include "vo/store_postgres/PostgresSettings.h"

namespace vo::store_postgres {

// PostgreSQL behind SqlCallStore through Poco::Data::PostgreSQL. Bulk inserts (COPY or multi-row
// INSERT) and the hot statements (prepared once, batches pipelined: PostgresPreparedStatements)
// go through the session's own libpq connection.
class PostgresBackend final : public vo::sql::SqlBackend {
 public:
  explicit PostgresBackend(PostgresSettings settings);
  ~PostgresBackend() override;

  std::string name() const override { return "postgres"; }
  Poco::Data::Session openSession() override;
  bool isUsable(Poco::Data::Session& session) override;
  std::string placeholders(std::string_view sql) const override { return numbered(sql); }
  // The shared SQL's `?` placeholders as PostgreSQL's $1, $2, ...
  static std::string numbered(std::string_view sql);
  static constexpr std::string_view kTextType = "TEXT COLLATE \"C\"";
  std::string textType() const override { return std::string(kTextType); }
  std::unique_lock<std::mutex> lockWriter() override { return {}; }
  void beginWrite(Poco::Data::Session& session) override;
  void lockForMigration(Poco::Data::Session& session) override;
  void insertCalls(vo::sql::SqlRunner& sql, std::span<const vo::api::Call> calls) override;
  std::unique_ptr<vo::sql::PreparedStatements> prepareStatements(
      Poco::Data::Session& session) override;
  // An array built once (an InitPlan), so each element is an index lookup; an IN (SELECT ...)
  // was planned as a merge join walking the whole index.
  std::string jsonTextArrayElements() const override {
    return "SELECT json_array_elements_text(CAST(? AS json)) AS value";
  }
  std::string inJsonTextArray(std::string_view column) const override {
    return inSubquery(column, jsonTextArrayElements());
  }
  std::string inSubquery(std::string_view column, std::string_view subquery) const override {
    return std::string(column) + " = ANY(ARRAY(" + std::string(subquery) + "))";
  }
  std::string lockRowsRead() const override { return " FOR UPDATE"; }
  bool batchesInOneRoundTrip() const override { return true; }
  vo::api::ErrorCode classify(const Poco::Exception& error) const override;
  std::string describe() const override { return "postgres " + settings_.endpoint; }

 private:
  const PostgresSettings settings_;
};

}  // namespace vo::store_postgres
