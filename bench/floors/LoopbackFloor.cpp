// The kernel alone: two processes exchange a request and an answer of `bytes` bytes over one
// TCP connection on 127.0.0.1 (blocking send and recv, TCP_NODELAY), `count` times, and each
// prints its CPU time per exchange: the least a call's dial or webhook costs a process here.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "LoopbackListener.h"

namespace {

struct CpuSeconds {
  double total;
  double kernel;
};

CpuSeconds cpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return {seconds(usage.ru_utime) + seconds(usage.ru_stime), seconds(usage.ru_stime)};
}

bool receiveExactly(int fd, std::vector<char>& buffer, std::size_t bytes) {
  std::size_t got = 0;
  while (got < bytes) {
    const ssize_t n = recv(fd, buffer.data(), buffer.size(), 0);
    if (n <= 0) return false;
    got += static_cast<std::size_t>(n);
  }
  return true;
}

void report(const char* side, CpuSeconds start, int count) {
  const CpuSeconds end = cpuSeconds();
  std::printf("%s: %.1f us CPU per exchange (%.1f in the kernel)\n", side,
              (end.total - start.total) / count * 1e6, (end.kernel - start.kernel) / count * 1e6);
}

}  // namespace

int main(int argc, char** argv) {
  const int count = argc > 1 ? std::atoi(argv[1]) : 100000;
  const std::size_t bytes = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 300;
  sockaddr_in address{};
  const int listener = listenOnLoopback(address);
  if (listener < 0) {
    std::perror("listen");
    return 1;
  }
  std::vector<char> buffer(std::max<std::size_t>(bytes, 65536), 'x');
  const int one = 1;
  if (fork() == 0) {  // the answering side
    const int fd = accept(listener, nullptr, nullptr);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const CpuSeconds start = cpuSeconds();
    for (int i = 0; i < count; ++i) {
      if (!receiveExactly(fd, buffer, bytes)) return 1;
      if (send(fd, buffer.data(), bytes, 0) != static_cast<ssize_t>(bytes)) return 1;
    }
    report("answering side", start, count);
    return 0;
  }
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    std::perror("connect");
    return 1;
  }
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  const auto started = std::chrono::steady_clock::now();
  const CpuSeconds start = cpuSeconds();
  for (int i = 0; i < count; ++i) {
    if (send(fd, buffer.data(), bytes, 0) != static_cast<ssize_t>(bytes)) return 1;
    if (!receiveExactly(fd, buffer, bytes)) return 1;
  }
  const std::chrono::duration<double, std::micro> wall = std::chrono::steady_clock::now() - started;
  report("asking side", start, count);
  std::printf("round trip: %.1f us\n", wall.count() / count);
  int status = 0;
  wait(&status);
  return 0;
}
