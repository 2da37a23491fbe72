#include "WalCheckpointer.h"

#include <Poco/Data/SQLite/Utility.h>
#include <sqlite3.h>

namespace vo::store_sqlite {

WalCheckpointer::WalCheckpointer(Poco::Data::Session session)
    : session_(std::move(session)), thread_([this] { run(); }) {}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void WalCheckpointer::run() {
  sqlite3* db = Poco::Data::SQLite::Utility::dbHandle(session_);
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, kInterval, [this] { return stopping_; })) {
    lock.unlock();
    // Not checked: SQLITE_BUSY (another checkpoint running) or an I/O error is tried again
    // next round, and a commit crossing the safety net checkpoints meanwhile.
    (void)sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    lock.lock();
  }
}

}  // namespace vo::store_sqlite
