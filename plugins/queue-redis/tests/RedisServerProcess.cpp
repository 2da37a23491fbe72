#include "RedisServerProcess.h"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "vo/testing/Ports.h"
#include "vo/testing/Wait.h"

namespace vo::queue_redis::testing {
namespace {

std::vector<std::string> runOn(int port, const std::vector<std::vector<std::string>>& commands) {
  std::unique_ptr<redisContext, void (*)(redisContext*)> connection(
      redisConnectWithTimeout("127.0.0.1", port, timeval{0, 200 * 1000}), redisFree);
  if (!connection || connection->err != 0) return {};
  std::vector<std::string> strings;
  for (const auto& words : commands) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    for (const auto& word : words) {
      argv.push_back(word.data());
      lengths.push_back(word.size());
    }
    std::unique_ptr<redisReply, void (*)(void*)> reply(
        static_cast<redisReply*>(redisCommandArgv(connection.get(), static_cast<int>(argv.size()),
                                                  argv.data(), lengths.data())),
        freeReplyObject);
    if (!reply) return {};
    strings.clear();
    if (reply->type == REDIS_REPLY_ARRAY) {
      for (std::size_t i = 0; i < reply->elements; ++i) {
        strings.emplace_back(reply->element[i]->str, reply->element[i]->len);
      }
    } else if (reply->type == REDIS_REPLY_INTEGER) {
      strings.push_back(std::to_string(reply->integer));
    } else if (reply->str != nullptr) {
      strings.emplace_back(reply->str, reply->len);
    }
  }
  return strings;
}

bool answersPing(int port) {
  return runOn(port, {{"PING"}}) == std::vector<std::string>{"PONG"};
}

}  // namespace

RedisServerProcess::RedisServerProcess() : port_(vo::testing::freePort()) {}

RedisServerProcess::~RedisServerProcess() = default;

std::vector<std::string> RedisServerProcess::run(
    const std::vector<std::vector<std::string>>& commands) const {
  return runOn(port_, commands);
}

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
