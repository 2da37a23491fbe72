#pragma once

#include <Poco/Data/Session.h>

#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include "vo/api/Call.h"
#include "vo/api/Result.h"

namespace Poco {
class Exception;
}

namespace vo::sql {

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
  virtual void insertCalls(Poco::Data::Session& session, std::span<const vo::api::Call> calls) = 0;
  // Maps a failure to the error the CallStore contract asks for (kUnavailable, kConflict, ...).
  virtual vo::api::ErrorCode classify(const Poco::Exception& error) const = 0;
  // Short health detail when the database answers: "sqlite /path/db", "postgres 127.0.0.1:5432".
  virtual std::string describe() const = 0;
};

// True for Poco::Data's own connection failures (could not connect, not connected), which every
// backend reports as kUnavailable.
bool isConnectionFailure(const Poco::Exception& error);

}  // namespace vo::sql
