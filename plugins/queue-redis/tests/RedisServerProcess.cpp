#include "RedisServerProcess.h"

#include <Poco/Redis/Array.h>
#include <Poco/Redis/Client.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "vo/testing/Ports.h"
#include "vo/testing/Wait.h"

namespace vo::queue_redis::testing {
namespace {

bool answersPing(int port) {
  try {
    Poco::Redis::Client client;
    client.connect("127.0.0.1", port, Poco::Timespan(200 * 1000));
    Poco::Redis::Array ping;
    ping << "PING";
    return client.execute<std::string>(ping) == "PONG";
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

RedisServerProcess::RedisServerProcess() : port_(vo::testing::freePort()) {}

RedisServerProcess::~RedisServerProcess() = default;

std::string RedisServerProcess::binary() {
  if (const char* configured = std::getenv("VO_TEST_REDIS_SERVER"); configured && *configured) {
    return configured;
  }
  for (const char* candidate : {"/usr/bin/redis-server", "/usr/local/bin/redis-server"}) {
    if (std::filesystem::exists(candidate)) return candidate;
  }
  return "";
}

void RedisServerProcess::start() {
  process_ = std::make_unique<vo::testing::ChildProcess>();
  process_->spawn({binary(), "--port", std::to_string(port_), "--bind", "127.0.0.1", "--save", "",
                   "--appendonly", "no", "--dir", dir_.path()},
                  {}, dir_.path(), dir_.file("redis.log"));
  if (!vo::testing::waitUntil([this] { return answersPing(port_); }, std::chrono::seconds(30))) {
    throw std::runtime_error("redis-server did not answer on port " + std::to_string(port_) +
                             ":\n" + vo::testing::readFile(dir_.file("redis.log")));
  }
}

void RedisServerProcess::stop() {
  if (!process_) return;
  process_->signal(SIGKILL);
  process_->wait(std::chrono::seconds(30));
  process_.reset();
}

void RedisServerProcess::freeze() {
  process_->signal(SIGSTOP);
}

void RedisServerProcess::thaw() {
  process_->signal(SIGCONT);
}

std::string RedisServerProcess::url(int db) const {
  return "redis://127.0.0.1:" + std::to_string(port_) + "/" + std::to_string(db);
}

}  // namespace vo::queue_redis::testing
