#pragma once

#include <memory>
#include <string>
#include <vector>

#include "vo/testing/Process.h"
#include "vo/testing/TempDir.h"

namespace vo::queue_redis::testing {

// A private redis-server on 127.0.0.1 for one test: no persistence, started and stopped by its
// own pid. The binary is $VO_TEST_REDIS_SERVER (scripts/test.sh sets it), else redis-server
// from PATH.
class RedisServerProcess {
 public:
  RedisServerProcess();
  ~RedisServerProcess();

  // Empty when no redis-server can be found (the test should skip).
  static std::string binary();

  // Starts the server (again, on the same port and EMPTY after a stop) and waits for PING.
  void start();
  // SIGKILL, as a crash or power loss would.
  void stop();
  // SIGSTOP / SIGCONT: a server that hangs without closing its connections.
  void freeze();
  void thaw();
  int port() const { return port_; }
  std::string url(int db = 0) const;
  // Runs the commands in order on one new connection (a test's own look at Redis) and returns
  // the last one's reply as strings: an array's elements, else the one string or integer.
  // Empty when Redis does not answer.
  std::vector<std::string> run(const std::vector<std::vector<std::string>>& commands) const;

 private:
  vo::testing::TempDir dir_{"vo-redis"};
  int port_ = 0;
  std::unique_ptr<vo::testing::ChildProcess> process_;
};

}  // namespace vo::queue_redis::testing
