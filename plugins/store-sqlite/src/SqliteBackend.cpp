#include "vo/store_sqlite/SqliteBackend.h"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/SQLite/SQLiteException.h>
#include <Poco/Data/SQLite/Utility.h>
#include <sqlite3.h>

#include <chrono>
#include <thread>

#include "WalCheckpointer.h"
#include "vo/api/ProviderData.h"
#include "vo/sql/CallColumns.h"
#include "vo/sql/SqlQuery.h"
#include "vo/store_sqlite/SqlitePreparedStatements.h"

namespace vo::store_sqlite {

namespace {

sqlite3* handleOf(Poco::Data::Session& session) {
  return Poco::Data::SQLite::Utility::dbHandle(session);
}

void run(sqlite3* db, const std::string& sql, int busyRetryMs = 0) {
  char* message = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  for (int waited = 0; (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && waited < busyRetryMs;
       waited += 10) {
    sqlite3_free(message);
    message = nullptr;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  }
  if (rc != SQLITE_OK) {
    const std::string text = message != nullptr ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    Poco::Data::SQLite::Utility::throwException(db, rc, sql + ": " + text);
  }
}

// "INSERT INTO <table> (<columns>) VALUES (?, ..., ?)"
std::string insertSql(std::string_view table, std::string_view columns, int count) {
  std::string text =
      "INSERT INTO " + std::string(table) + " (" + std::string(columns) + ") VALUES (?";
  for (int i = 1; i < count; ++i) text += ", ?";
  return text + ")";
}

std::string_view textArgument(sqlite3_value* value) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(value));
  if (text == nullptr) return {};
  return {text, static_cast<std::size_t>(sqlite3_value_bytes(value))};
}

// vo_overlay_provider_data(stored, detail): the SQL function a transition's provider detail is
// written with (sql-common's SqlTransitions.cpp; PostgreSQL's is in the schema).
void overlayProviderData(sqlite3_context* context, int, sqlite3_value** arguments) {
  auto overlaid =
      vo::api::overlaidProviderData(textArgument(arguments[0]), textArgument(arguments[1]));
  if (!overlaid) {
    sqlite3_result_value(context, arguments[0]);  // kept as it is
    return;
  }
  sqlite3_result_text(context, overlaid->data(), static_cast<int>(overlaid->size()),
                      SQLITE_TRANSIENT);
}

}  // namespace

SqliteBackend::SqliteBackend(SqliteSettings settings) : settings_(std::move(settings)) {
  Poco::Data::SQLite::Connector::registerConnector();
}

SqliteBackend::~SqliteBackend() = default;

Poco::Data::Session SqliteBackend::openSession() {
  Poco::Data::Session session = openConnection();
  std::call_once(checkpointerStarted_,
                 [this] { checkpointer_ = std::make_unique<WalCheckpointer>(openConnection()); });
  return session;
}

Poco::Data::Session SqliteBackend::openConnection() {
  // Poco retries a failed open until the login timeout (60 s by default): one second is plenty
  // for a local file, and a missing folder or a bad path is reported at once.
  Poco::Data::Session session(Poco::Data::SQLite::Connector::KEY, settings_.path, 1);
  sqlite3* db = handleOf(session);
  sqlite3_busy_timeout(db, settings_.busyTimeoutMs);
  // Two connections switching a new file to WAL at once: the loser gets SQLITE_BUSY without
  // the busy handler being asked, so it tries again within the same timeout.
  run(db, "PRAGMA journal_mode = WAL", settings_.busyTimeoutMs);
  run(db, "PRAGMA synchronous = " + settings_.synchronous);
  run(db, "PRAGMA foreign_keys = ON");
  run(db, "PRAGMA wal_autocheckpoint = " + std::to_string(WalCheckpointer::kSafetyNetPages));
  if (sqlite3_create_function_v2(db, "vo_overlay_provider_data", 2,
                                 SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, overlayProviderData,
                                 nullptr, nullptr, nullptr) != SQLITE_OK) {
    throw Poco::Data::SQLite::SQLiteException(std::string("registering a function: ") +
                                              sqlite3_errmsg(db));
  }
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

void SqliteBackend::insertCalls(vo::sql::SqlRunner& sql, std::span<const vo::api::Call> calls) {
  // Two statements, prepared once per connection, each stepped once per call.
  static const std::string records =
      insertSql("calls", vo::sql::kCallRecordColumns, vo::sql::kCallRecordColumnCount);
  static const std::string states =
      insertSql("call_states", vo::sql::kCallStateColumns, vo::sql::kCallStateColumnCount);
  for (const vo::api::Call& call : calls) {
    sql.prepared().query(records, vo::sql::recordParams(call));
    sql.prepared().query(states, vo::sql::stateParams(call));
  }
}

std::unique_ptr<vo::sql::PreparedStatements> SqliteBackend::prepareStatements(
    Poco::Data::Session& session) {
  return std::make_unique<SqlitePreparedStatements>(handleOf(session));
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
