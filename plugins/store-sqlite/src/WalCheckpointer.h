#pragma once

#include <Poco/Data/Session.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace vo::store_sqlite {

// Copies the write-ahead log into the database file from its own thread and connection, so that
// commits do not. SQLite's automatic checkpoint runs inside the commit that crosses its
// threshold: with the calls table's nine indexes, 200 calls a second fill the default 1,000
// pages several times a second, and each such commit (a copy and an fsync) held the one writer
// 5-20 ms: the whole p99 tail of the embedded priority lane. A PASSIVE checkpoint waits for no
// reader and no writer; the sessions keep a far higher automatic threshold as a safety net.
class WalCheckpointer {
 public:
  static constexpr std::chrono::milliseconds kInterval{100};
  static constexpr int kSafetyNetPages = 10000;  // ~40 MB of log, should this thread fall behind

  explicit WalCheckpointer(Poco::Data::Session session);
  ~WalCheckpointer();  // stops the thread
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

 private:
  void run();

  Poco::Data::Session session_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace vo::store_sqlite
