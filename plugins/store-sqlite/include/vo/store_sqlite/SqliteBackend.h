#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "vo/sql/SqlBackend.h"

namespace vo::store_sqlite {

class WalCheckpointer;

struct SqliteSettings {
  std::string path = "./data/voice-orchestrator.db";
  int busyTimeoutMs = 5000;
  std::string synchronous = "NORMAL";  // OFF | NORMAL | FULL | EXTRA
};

// SQLite behind SqlCallStore: WAL so readers never block the writer, one writer at a time in
// this process (a mutex) and across processes (BEGIN IMMEDIATE plus the busy timeout), and the
// hot statements (the bulk INSERT among them) prepared once per connection with sqlite3's own
// API (SqlitePreparedStatements). The log is checkpointed by a thread of its own
// (WalCheckpointer), started with the first session, not by commits.
class SqliteBackend final : public vo::sql::SqlBackend {
 public:
  explicit SqliteBackend(SqliteSettings settings);
  ~SqliteBackend() override;

  std::string name() const override { return "sqlite"; }
  Poco::Data::Session openSession() override;
  bool isUsable(Poco::Data::Session& session) override;
  std::string placeholders(std::string_view sql) const override { return std::string(sql); }
  std::string textType() const override { return "TEXT"; }
  std::unique_lock<std::mutex> lockWriter() override;
  void beginWrite(Poco::Data::Session& session) override;
  void lockForMigration(Poco::Data::Session& session) override;
  void insertCalls(vo::sql::SqlRunner& sql, std::span<const vo::api::Call> calls) override;
  std::unique_ptr<vo::sql::PreparedStatements> prepareStatements(
      Poco::Data::Session& session) override;
  std::string jsonTextArrayElements() const override { return "SELECT value FROM json_each(?)"; }
  std::string inJsonTextArray(std::string_view column) const override {
    return inSubquery(column, jsonTextArrayElements());
  }
  std::string inSubquery(std::string_view column, std::string_view subquery) const override {
    return std::string(column) + " IN (" + std::string(subquery) + ")";
  }
  std::string lockRowsRead() const override { return ""; }
  bool batchesInOneRoundTrip() const override { return false; }
  vo::api::ErrorCode classify(const Poco::Exception& error) const override;
  std::string describe() const override { return "sqlite " + settings_.path; }

 private:
  Poco::Data::Session openConnection();

  const SqliteSettings settings_;
  std::mutex writer_;
  std::once_flag checkpointerStarted_;
  std::unique_ptr<WalCheckpointer> checkpointer_;
};

}  // namespace vo::store_sqlite
