#pragma once

#include <Poco/Data/Session.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "vo/sql/SqlBackend.h"

namespace vo::sql {

// A fixed-size pool of sessions opened on demand, one per concurrent caller (Poco sessions are
// not thread-safe). Broken sessions are dropped and reopened by the next caller.
class SqlSessionPool {
 public:
  // Hands a session to one caller; returns it to the pool when destroyed.
  class Lease {
   public:
    Lease(SqlSessionPool& pool, std::unique_ptr<Poco::Data::Session> session);
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Poco::Data::Session& session() { return *session_; }

   private:
    SqlSessionPool* pool_;
    std::unique_ptr<Poco::Data::Session> session_;
  };

  SqlSessionPool(SqlBackend& backend, int size);
  ~SqlSessionPool();

  // Waits for a free slot, then reuses an idle session or opens one (which may throw).
  Lease acquire();

 private:
  void release(std::unique_ptr<Poco::Data::Session> session);

  SqlBackend& backend_;
  const int size_;
  std::mutex mutex_;
  std::condition_variable available_;
  int leased_ = 0;
  std::vector<std::unique_ptr<Poco::Data::Session>> idle_;
};

}  // namespace vo::sql
