#pragma once

#include "vo/sql/SqlBackend.h"
#include "vo/store_postgres/PostgresSettings.h"

namespace vo::store_postgres {

// PostgreSQL behind SqlCallStore through Poco::Data::PostgreSQL. Bulk inserts go through the
// session's own libpq connection (COPY or multi-row INSERT), inside the same transaction.
class PostgresBackend final : public vo::sql::SqlBackend {
 public:
  explicit PostgresBackend(PostgresSettings settings);
  ~PostgresBackend() override;

  std::string name() const override { return "postgres"; }
  Poco::Data::Session openSession() override;
  bool isUsable(Poco::Data::Session& session) override;
  std::string placeholders(std::string_view sql) const override;
  std::string textType() const override { return "TEXT COLLATE \"C\""; }
  std::unique_lock<std::mutex> lockWriter() override { return {}; }
  void beginWrite(Poco::Data::Session& session) override;
  void lockForMigration(Poco::Data::Session& session) override;
  void insertCalls(Poco::Data::Session& session, std::span<const vo::api::Call> calls) override;
  vo::api::ErrorCode classify(const Poco::Exception& error) const override;
  std::string describe() const override { return "postgres " + settings_.endpoint; }

 private:
  const PostgresSettings settings_;
};

}  // namespace vo::store_postgres
