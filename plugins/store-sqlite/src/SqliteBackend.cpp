#include "vo/store_sqlite/SqliteBackend.h"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/SQLite/SQLiteException.h>
#include <Poco/Data/SQLite/Utility.h>
#include <sqlite3.h>

#include <memory>

#include "vo/sql/CallColumns.h"

namespace vo::store_sqlite {

namespace {

sqlite3* handleOf(Poco::Data::Session& session) {
  return Poco::Data::SQLite::Utility::dbHandle(session);
}

void run(sqlite3* db, const std::string& sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    const std::string text = message != nullptr ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    Poco::Data::SQLite::Utility::throwException(db, rc, sql + ": " + text);
  }
}

struct StatementCloser {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};

void bindText(sqlite3_stmt* statement, int index, const vo::sql::SqlValue& value) {
  if (const auto* text = std::get_if<std::string>(&value)) {
    sqlite3_bind_text(statement, index, text->data(), static_cast<int>(text->size()),
                      SQLITE_TRANSIENT);
  } else if (const auto* number = std::get_if<int64_t>(&value)) {
    sqlite3_bind_int64(statement, index, *number);
  } else if (const auto* real = std::get_if<double>(&value)) {
    sqlite3_bind_double(statement, index, *real);
  } else {
    sqlite3_bind_null(statement, index);
  }
}

}  // namespace

SqliteBackend::SqliteBackend(SqliteSettings settings) : settings_(std::move(settings)) {
  Poco::Data::SQLite::Connector::registerConnector();
}

SqliteBackend::~SqliteBackend() = default;

Poco::Data::Session SqliteBackend::openSession() {
  // Poco retries a failed open until the login timeout (60 s by default): one second is plenty
  // for a local file, and a missing folder or a bad path is reported at once.
  Poco::Data::Session session(Poco::Data::SQLite::Connector::KEY, settings_.path, 1);
  sqlite3* db = handleOf(session);
  sqlite3_busy_timeout(db, settings_.busyTimeoutMs);
  run(db, "PRAGMA journal_mode = WAL");
  run(db, "PRAGMA synchronous = " + settings_.synchronous);
  run(db, "PRAGMA foreign_keys = ON");
  return session;
}

bool SqliteBackend::isUsable(Poco::Data::Session& session) {
  // A connection left inside a transaction (a failed ROLLBACK) must not be reused.
  return sqlite3_get_autocommit(handleOf(session)) != 0;
}

std::unique_lock<std::mutex> SqliteBackend::lockWriter() {
  return std::unique_lock(writer_);
}

void SqliteBackend::beginWrite(Poco::Data::Session& session) {
  // IMMEDIATE takes the write lock now, so two writers never deadlock upgrading read locks.
  run(handleOf(session), "BEGIN IMMEDIATE");
}

void SqliteBackend::lockForMigration(Poco::Data::Session&) {
  // BEGIN IMMEDIATE already excludes every other writer, in this process and others.
}

void SqliteBackend::insertCalls(Poco::Data::Session& session,
                                std::span<const vo::api::Call> calls) {
  sqlite3* db = handleOf(session);
  std::string sql = "INSERT INTO calls (" + std::string(vo::sql::kCallColumns) + ") VALUES (?";
  for (int i = 1; i < vo::sql::kCallColumnCount; ++i) sql += ", ?";
  sql += ")";
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &raw, nullptr);
  if (rc != SQLITE_OK) Poco::Data::SQLite::Utility::throwException(db, rc, sql);
  std::unique_ptr<sqlite3_stmt, StatementCloser> statement(raw);
  for (const vo::api::Call& call : calls) {
    const vo::sql::SqlParams params = vo::sql::callParams(call);
    for (std::size_t i = 0; i < params.size(); ++i) {
      bindText(raw, static_cast<int>(i + 1), params[i]);
    }
    rc = sqlite3_step(raw);
    if (rc != SQLITE_DONE) {
      Poco::Data::SQLite::Utility::throwException(db, sqlite3_extended_errcode(db) & 0xff,
                                                  "inserting call " + call.id);
    }
    sqlite3_reset(raw);
  }
}

vo::api::ErrorCode SqliteBackend::classify(const Poco::Exception& error) const {
  using vo::api::ErrorCode;
  if (vo::sql::isConnectionFailure(error)) return ErrorCode::kUnavailable;
  if (dynamic_cast<const Poco::Data::SQLite::ConstraintViolationException*>(&error) != nullptr) {
    // A missing parent (unknown workspace, agent, campaign) is bad input, not a duplicate.
    return error.displayText().find("FOREIGN KEY") != std::string::npos ? ErrorCode::kInvalid
                                                                        : ErrorCode::kConflict;
  }
  if (dynamic_cast<const Poco::Data::SQLite::DBLockedException*>(&error) != nullptr ||
      dynamic_cast<const Poco::Data::SQLite::TableLockedException*>(&error) != nullptr ||
      dynamic_cast<const Poco::Data::SQLite::CantOpenDBFileException*>(&error) != nullptr ||
      dynamic_cast<const Poco::Data::SQLite::IOErrorException*>(&error) != nullptr ||
      dynamic_cast<const Poco::Data::SQLite::DatabaseFullException*>(&error) != nullptr ||
      dynamic_cast<const Poco::Data::SQLite::ReadOnlyException*>(&error) != nullptr) {
    return ErrorCode::kUnavailable;
  }
  return ErrorCode::kInternal;
}

}  // namespace vo::store_sqlite
