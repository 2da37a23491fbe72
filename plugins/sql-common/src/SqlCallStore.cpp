#include "vo/sql/SqlCallStore.h"

#include <chrono>

#include "vo/sql/Migrations.h"

namespace vo::sql {

using vo::api::ErrorCode;
using vo::api::makeError;
using vo::api::Result;

SqlCallStore::SqlCallStore(std::unique_ptr<SqlBackend> backend, int poolSize)
    : backend_(std::move(backend)), pool_(*backend_, poolSize) {}

SqlCallStore::~SqlCallStore() = default;

vo::api::Error SqlCallStore::failure(const Poco::Exception& error) const {
  return makeError(backend_->classify(error), backend_->name() + ": " + error.displayText());
}

namespace {

int64_t nowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

// Every instance may run this at start: the backend's migration lock makes the others wait,
// then find the versions applied and do nothing.
Result<void> SqlCallStore::migrate() {
  auto migrated = applyMigrations();
  if (!migrated) return migrated;
  // The server migrates at start: the pool's sessions are opened now rather than by the first
  // burst of requests. A session that cannot be opened now is opened on demand instead, and
  // its error reported to the request that needs it, so a failure here is not one.
  try {
    pool_.openAll();
  } catch (const std::exception&) {
  }
  return migrated;
}

Result<void> SqlCallStore::applyMigrations() {
  return write<void>([&](SqlRunner& sql) -> Result<void> {
    backend_->lockForMigration(sql.session());
    const std::string textType = backend_->textType();
    sql.execute(
        withTextType("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER "
                     "PRIMARY KEY, description TEXT NOT NULL, applied_at_ms BIGINT NOT NULL)",
                     textType));
    const auto rows = sql.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    const int64_t current = rows.empty() ? 0 : intOf(rows[0][0]);
    const auto& migrations = schemaMigrations();
    const int latest = migrations.empty() ? 0 : migrations.back().version;
    if (current > latest) {
      return makeError(
          ErrorCode::kInvalid,
          backend_->name() + ": the database schema is at version " + std::to_string(current) +
              ", newer than this binary's " + std::to_string(latest) +
              "; run a voice-orchestrator at least as new as the one that migrated it");
    }
    const int64_t appliedAtMs = nowMs();  // one run, one time: the versions it applied together
    for (const Migration& migration : migrations) {
      if (migration.version <= current) continue;
      for (const std::string& statement : migration.statements) {
        sql.execute(withTextType(statement, textType));
      }
      if (backend_->name() == "postgres") {
        for (const std::string& statement : migration.postgresStatements) sql.execute(statement);
      } else {
        for (const std::string& statement : migration.sqliteStatements) sql.execute(statement);
      }
      sql.execute(
          "INSERT INTO schema_migrations (version, description, applied_at_ms) VALUES (?, ?, ?)",
          {int64_t{migration.version}, migration.description, appliedAtMs});
    }
    return Result<void>::success();
  });
}

vo::api::ComponentHealth SqlCallStore::health() {
  Result<void> probe = read<void>([](SqlRunner& sql) -> Result<void> {
    sql.query("SELECT 1");
    return Result<void>::success();
  });
  if (probe.ok()) return {true, backend_->describe()};
  return {false, probe.error().message};
}

}  // namespace vo::sql
