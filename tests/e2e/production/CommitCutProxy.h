#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace vo::e2e::production {

// A TCP proxy between voice-orchestrator and PostgreSQL (plain protocol: connect with
// sslmode=disable) that can lose the answer to one COMMIT: the database blip of issue 9's hole 4.
// Once armed with a marker, the first connection that inserts an idempotency record carrying the
// marker has its next COMMIT forwarded to the server, which commits, while the server's answer
// is dropped and both sides are closed: the client sees its
// commit fail although it succeeded. Every other byte passes through unchanged.
class CommitCutProxy {
 public:
  // Listens on 127.0.0.1 (a free port) and forwards to 127.0.0.1:`serverPort`.
  explicit CommitCutProxy(int serverPort);
  ~CommitCutProxy();
  CommitCutProxy(const CommitCutProxy&) = delete;
  CommitCutProxy& operator=(const CommitCutProxy&) = delete;

  int port() const { return port_; }
  // The next COMMIT of a transaction that carried `marker` loses its answer (once).
  void armFor(const std::string& marker);
  // How many COMMITs lost their answer so far.
  int commitsCut() const { return cuts_.load(); }
  // Down: every connection is closed, and new ones are closed as they come (the database is
  // unreachable); up again: connections pass as before.
  void setDown(bool down);

 private:
  struct Link;

  void acceptLoop();
  void pumpFromClient(const std::shared_ptr<Link>& link);
  void pumpFromServer(const std::shared_ptr<Link>& link);
  // Whether the client's message (type, payload) makes the link cut its next COMMIT now.
  bool shouldCut(Link& link, char type, const std::string& payload);

  const int serverPort_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> down_{false};
  std::mutex mutex_;
  std::string marker_;  // empty: disarmed
  std::atomic<int> cuts_{0};
  std::vector<std::shared_ptr<Link>> links_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

}  // namespace vo::e2e::production
