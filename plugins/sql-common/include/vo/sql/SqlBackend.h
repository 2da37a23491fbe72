#pragma once

#include <Poco/Data/Session.h>

#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include "vo/api/Call.h"
#include "vo/api/Result.h"
#include "vo/sql/PreparedStatements.h"

namespace Poco {
class Exception;
}

namespace vo::sql {

class SqlRunner;

// What differs between SQL databases behind the shared SqlCallStore. Methods that open or use a
// session may throw Poco exceptions; SqlCallStore turns them into Results via classify().
class SqlBackend {
 public:
  virtual ~SqlBackend();

  // "sqlite", "postgres": used in messages.
  virtual std::string name() const = 0;
  // A new, configured connection. Throws when the database cannot be reached.
  virtual Poco::Data::Session openSession() = 0;
  // False when the connection is broken and must not go back to the pool.
  virtual bool isUsable(Poco::Data::Session& session) = 0;
  // Rewrites the `?` placeholders of the shared SQL into the database's own.
  virtual std::string placeholders(std::string_view sql) const = 0;
  // The column type the schema uses for text: PostgreSQL adds COLLATE "C" so ids sort bytewise
  // (keyset pages then agree with SQLite's order, and comparisons skip locale rules).
  virtual std::string textType() const = 0;
  // Serializes writers inside this process when the database needs it (SQLite has one writer);
  // an empty lock otherwise.
  virtual std::unique_lock<std::mutex> lockWriter() = 0;
  // Starts a write transaction ("BEGIN IMMEDIATE" for SQLite, "BEGIN" for PostgreSQL).
  virtual void beginWrite(Poco::Data::Session& session) = 0;
  // Inside beginWrite(): blocks other instances running migrations until commit.
  virtual void lockForMigration(Poco::Data::Session& session) = 0;
  // Writes the rows inside the current transaction as fast as the database allows.
  virtual void insertCalls(SqlRunner& sql, std::span<const vo::api::Call> calls) = 0;
  // The hot path's statement cache for a connection this backend opened.
  virtual std::unique_ptr<PreparedStatements> prepareStatements(Poco::Data::Session& session) = 0;
  // A SELECT of the strings of the JSON array bound to its one `?`, one row each, in a column
  // named `value` (rows to insert, given as ONE parameter whatever their number).
  virtual std::string jsonTextArrayElements() const = 0;
  // The condition "`column` is one of the strings of the JSON array bound to its one `?`": a
  // list of ids as ONE parameter, so the statement has one shape whatever its length. Each
  // database gets the form its planner turns into index lookups (PostgreSQL: = ANY(array)).
  virtual std::string inJsonTextArray(std::string_view column) const = 0;
  // The condition "`column` is one of the values `subquery` selects", in the form each planner
  // runs as the subquery once, then index lookups by `column` (PostgreSQL: = ANY(ARRAY(...))).
  virtual std::string inSubquery(std::string_view column, std::string_view subquery) const = 0;
  // Appended to a SELECT inside a write: locks the rows it reads, in its ORDER BY, so writers
  // of overlapping rows queue instead of deadlocking (" FOR UPDATE"; "" where the database
  // has one writer at a time).
  virtual std::string lockRowsRead() const = 0;
  // True when a transition and its attempt row can be one statement (a data-modifying WITH) and
  // a batch of them one round trip (PreparedStatements::queryInOneTransaction pipelines);
  // false: a transaction of separate statements, cheap where the database is in-process.
  virtual bool batchesInOneRoundTrip() const = 0;
  // Maps a failure to the error the CallStore contract asks for (kUnavailable, kConflict, ...).
  virtual vo::api::ErrorCode classify(const Poco::Exception& error) const = 0;
  // Short health detail when the database answers: "sqlite /path/db", "postgres 127.0.0.1:5432".
  virtual std::string describe() const = 0;
};

// True for Poco::Data's own connection failures (could not connect, not connected), which every
// backend reports as kUnavailable.
bool isConnectionFailure(const Poco::Exception& error);

}  // namespace vo::sql
