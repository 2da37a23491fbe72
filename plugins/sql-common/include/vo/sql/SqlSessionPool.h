#pragma once

#include <Poco/Data/Session.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "vo/sql/PreparedStatements.h"
#include "vo/sql/SqlBackend.h"

namespace vo::sql {

// A fixed-size pool of sessions, one per concurrent caller (Poco sessions are not thread-safe),
// opened on demand or all at once (openAll). A broken session is dropped with the idle ones (a
// restart ends them all) and reopened by the next caller. Each session keeps its prepared
// statements (see PreparedStatements) for as long as it lives.
class SqlSessionPool {
 public:
  // A session and the statements prepared on it. The statements are declared last so they are
  // destroyed (finalized) before the session closes.
  struct Connection {
    explicit Connection(Poco::Data::Session opened) : session(std::move(opened)) {}
    Poco::Data::Session session;
    std::unique_ptr<PreparedStatements> prepared;
  };

  // Hands a session to one caller; returns it to the pool when destroyed.
  class Lease {
   public:
    Lease(SqlSessionPool& pool, std::unique_ptr<Connection> connection, bool reused);
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Poco::Data::Session& session() { return connection_->session; }
    // The session's statement cache, made on first use.
    PreparedStatements& prepared();
    // True when the session was idle in the pool before, so the server may have ended it since.
    bool reused() const { return reused_; }

   private:
    SqlSessionPool* pool_;
    std::unique_ptr<Connection> connection_;
    bool reused_;
  };

  SqlSessionPool(SqlBackend& backend, int size);
  ~SqlSessionPool();

  // Waits for a free slot, then reuses an idle session or opens one (which may throw).
  Lease acquire();
  // Opens sessions until every slot has one, so a burst of callers does not wait for the server
  // to start a backend each (PostgreSQL forks one per session). Throws what opening throws.
  void openAll();

 private:
  // Opens a session for a slot the caller counted in leased_; frees the slot if opening throws.
  std::unique_ptr<Connection> openInTakenSlot();
  void release(std::unique_ptr<Connection> connection);

  SqlBackend& backend_;
  const int size_;
  std::mutex mutex_;
  std::condition_variable available_;
  int leased_ = 0;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace vo::sql
