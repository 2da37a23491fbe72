// The scheduler alone: how long a chain of round trips to other processes takes when each one
// must wake a process, as a priority call's path does (the client wakes the server, the server
// wakes Redis, then PostgreSQL, then the provider). `hops` answering processes, each its own
// TCP connection on 127.0.0.1; `rate` chains a second for `seconds`, each sent on its schedule
// (a late chain is counted from when it should have started, as vo-load counts a request).
// Prints the chain's p50 / p99 / max: run it on the quiet machine, then beside a drain, to see
// what the machine's run queues alone add to any path of that many hops.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "LoopbackListener.h"

namespace {

constexpr std::size_t kBytes = 300;

bool exchangeOnce(int fd, char* buffer) {
  if (send(fd, buffer, kBytes, 0) != static_cast<ssize_t>(kBytes)) return false;
  std::size_t got = 0;
  while (got < kBytes) {
    const ssize_t n = recv(fd, buffer + got, kBytes - got, 0);
    if (n <= 0) return false;
    got += static_cast<std::size_t>(n);
  }
  return true;
}

// A process that answers every request of kBytes on its one connection until it closes.
void answer(int listener) {
  const int fd = accept(listener, nullptr, nullptr);
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  char buffer[kBytes];
  for (;;) {
    std::size_t got = 0;
    while (got < kBytes) {
      const ssize_t n = recv(fd, buffer + got, kBytes - got, 0);
      if (n <= 0) std::_Exit(0);
      got += static_cast<std::size_t>(n);
    }
    if (send(fd, buffer, kBytes, 0) != static_cast<ssize_t>(kBytes)) std::_Exit(1);
  }
}

double percentile(std::vector<double>& sorted, double p) {
  const auto at = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1));
  return sorted[at];
}

}  // namespace

int main(int argc, char** argv) {
  const int hops = argc > 1 ? std::atoi(argv[1]) : 3;
  const int rate = argc > 2 ? std::atoi(argv[2]) : 200;
  const int seconds = argc > 3 ? std::atoi(argv[3]) : 20;
  if (hops < 1 || rate < 1 || seconds < 1) {
    std::fprintf(stderr, "usage: vo-wakeup-chain-floor [hops] [chains per second] [seconds]\n");
    return 2;
  }
  std::vector<int> connections;
  for (int hop = 0; hop < hops; ++hop) {
    sockaddr_in address{};
    const int listener = listenOnLoopback(address);
    if (listener < 0) {
      std::perror("listen");
      return 1;
    }
    if (fork() == 0) answer(listener);
    close(listener);
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      std::perror("connect");
      return 1;
    }
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    connections.push_back(fd);
  }
  using Clock = std::chrono::steady_clock;
  const int chains = rate * seconds;
  const auto period = std::chrono::nanoseconds(1000000000LL / rate);
  std::vector<double> millis;
  millis.reserve(static_cast<std::size_t>(chains));
  char buffer[kBytes] = {};
  const auto first = Clock::now();
  for (int i = 0; i < chains; ++i) {
    const auto due = first + i * period;
    std::this_thread::sleep_until(due);
    for (int fd : connections) {
      if (!exchangeOnce(fd, buffer)) return 1;
    }
    millis.push_back(std::chrono::duration<double, std::milli>(Clock::now() - due).count());
  }
  for (int fd : connections) close(fd);
  while (wait(nullptr) > 0) {
  }
  std::sort(millis.begin(), millis.end());
  std::printf(
      "%d chains of %d round trips to %d processes, %d a second: p50 %.2f / p99 %.2f / "
      "max %.2f ms\n",
      chains, hops, hops, rate, percentile(millis, 0.5), percentile(millis, 0.99), millis.back());
  return 0;
}
