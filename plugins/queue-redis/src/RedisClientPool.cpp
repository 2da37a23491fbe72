#include "RedisClientPool.h"

#include <Poco/DigestEngine.h>
#include <Poco/Exception.h>
#include <Poco/Redis/Array.h>
#include <Poco/Redis/Client.h>
#include <Poco/Redis/Error.h>
#include <Poco/Redis/Type.h>
#include <Poco/SHA1Engine.h>
#include <Poco/URI.h>

#include <algorithm>
#include <stdexcept>

#include "LuaScripts.h"

namespace vo::queue_redis {
namespace {

using api::ErrorCode;
using api::makeError;
using Poco::Redis::RedisType;

// A reply from the server that is an error ("-ERR ...") rather than a broken connection.
struct ServerError {
  std::string message;
};

Reply convert(const RedisType::Ptr& value, std::optional<ServerError>& error) {
  Reply reply;
  if (!value) return reply;
  switch (value->type()) {
    case RedisType::REDIS_INTEGER:
      reply.kind = Reply::Kind::kInteger;
      reply.integer = static_cast<const Poco::Redis::Type<Poco::Int64>*>(value.get())->value();
      break;
    case RedisType::REDIS_SIMPLE_STRING:
      reply.kind = Reply::Kind::kString;
      reply.text = static_cast<const Poco::Redis::Type<std::string>*>(value.get())->value();
      break;
    case RedisType::REDIS_BULK_STRING: {
      const auto& bulk =
          static_cast<const Poco::Redis::Type<Poco::Redis::BulkString>*>(value.get());
      if (!bulk->value().isNull()) {
        reply.kind = Reply::Kind::kString;
        reply.text = bulk->value().value();
      }
      break;
    }
    case RedisType::REDIS_ARRAY: {
      const auto& array =
          static_cast<const Poco::Redis::Type<Poco::Redis::Array>*>(value.get())->value();
      if (array.isNull()) break;
      reply.kind = Reply::Kind::kArray;
      for (const auto& item : array) reply.items.push_back(convert(item, error));
      break;
    }
    case RedisType::REDIS_ERROR:
      error = ServerError{static_cast<const Poco::Redis::Type<Poco::Redis::Error>*>(value.get())
                              ->value()
                              .getMessage()};
      break;
    default:
      break;
  }
  return reply;
}

std::string sha1Hex(const std::string& text) {
  Poco::SHA1Engine engine;
  engine.update(text);
  return Poco::DigestEngine::digestToHex(engine.digest());
}

Poco::Timespan millis(int64_t ms) {
  return Poco::Timespan(ms * 1000);
}

}  // namespace

RedisEndpoint parseRedisUrl(const std::string& url) {
  Poco::URI uri;
  try {
    uri = Poco::URI(url);
  } catch (const Poco::Exception& e) {
    throw std::invalid_argument("not a URL: " + e.message());
  }
  if (uri.getScheme() != "redis") throw std::invalid_argument("expected redis://host:port[/db]");
  if (uri.getHost().empty()) throw std::invalid_argument("missing host");
  RedisEndpoint endpoint;
  endpoint.host = uri.getHost();
  endpoint.port = uri.getPort() == 0 ? 6379 : uri.getPort();
  const std::string& userInfo = uri.getUserInfo();
  if (auto colon = userInfo.find(':'); colon != std::string::npos) {
    endpoint.user = userInfo.substr(0, colon);
    endpoint.password = userInfo.substr(colon + 1);
  } else {
    endpoint.password = userInfo;
  }
  std::string path = uri.getPath();
  if (!path.empty() && path != "/") {
    std::string db = path.substr(1);
    if (db.empty() || db.size() > 4 || !std::all_of(db.begin(), db.end(), ::isdigit)) {
      throw std::invalid_argument("the database must be a number: /" + db);
    }
    endpoint.db = std::stoi(db);
  }
  return endpoint;
}

RedisClientPool::RedisClientPool(const RedisQueueOptions& options)
    : options_(options), endpoint_(parseRedisUrl(options.url)) {
  for (const LuaScript& script : luaScripts()) {
    std::string source = std::string(luaPrelude()) + script.body + luaEpilogue();
    scripts_[script.name] = Script{source, sha1Hex(source)};
  }
}

RedisClientPool::~RedisClientPool() = default;

std::unique_ptr<Poco::Redis::Client> RedisClientPool::connect() {
  auto client = std::make_unique<Poco::Redis::Client>();
  client->connect(endpoint_.host, endpoint_.port, millis(options_.connectTimeoutMs));
  client->setReceiveTimeout(millis(options_.commandTimeoutMs));
  std::optional<ServerError> error;
  if (!endpoint_.password.empty()) {
    Poco::Redis::Array auth;
    auth << "AUTH";
    if (!endpoint_.user.empty()) auth << endpoint_.user;
    auth << endpoint_.password;
    convert(client->sendCommand(auth), error);
  }
  if (!error && endpoint_.db != 0) {
    Poco::Redis::Array select;
    select << "SELECT" << std::to_string(endpoint_.db);
    convert(client->sendCommand(select), error);
  }
  if (error) throw Poco::IOException("redis refused the connection: " + error->message);
  return client;
}

api::Result<std::unique_ptr<Poco::Redis::Client>> RedisClientPool::acquire() {
  {
    std::unique_lock lock(mutex_);
    if (down_ && Clock::now() < retryAt_) {
      return makeError(ErrorCode::kUnavailable, "redis unavailable: " + downReason_);
    }
    idleChanged_.wait(lock, [this] { return !idle_.empty() || open_ < options_.poolSize; });
    if (!idle_.empty()) {
      auto client = std::move(idle_.back());
      idle_.pop_back();
      return client;
    }
    ++open_;
  }
  try {
    return connect();
  } catch (const std::exception& e) {
    {
      std::lock_guard lock(mutex_);
      --open_;
    }
    idleChanged_.notify_one();
    markDown(std::string("cannot connect to ") + endpoint_.host + ":" +
             std::to_string(endpoint_.port) + ": " + e.what());
    std::lock_guard lock(mutex_);
    return makeError(ErrorCode::kUnavailable, "redis unavailable: " + downReason_);
  }
}

void RedisClientPool::giveBack(std::unique_ptr<Poco::Redis::Client> client) {
  {
    std::lock_guard lock(mutex_);
    if (client) {
      idle_.push_back(std::move(client));
    } else {
      --open_;
    }
  }
  idleChanged_.notify_one();
}

void RedisClientPool::markDown(const std::string& why) {
  std::lock_guard lock(mutex_);
  backoffMs_ = down_ ? std::min(options_.reconnectMaxMs, backoffMs_ * 2) : options_.reconnectMinMs;
  down_ = true;
  downReason_ = why;
  retryAt_ = Clock::now() + std::chrono::milliseconds(backoffMs_);
  // Connections opened before the failure are likely dead too.
  open_ -= static_cast<int>(idle_.size());
  idle_.clear();
}

void RedisClientPool::markUp() {
  std::lock_guard lock(mutex_);
  down_ = false;
  backoffMs_ = 0;
}

api::Result<Reply> RedisClientPool::runScript(const std::string& name,
                                              const std::vector<std::string>& args) {
  const Script& script = scripts_.at(name);
  auto client = acquire();
  if (!client) return client.error();
  try {
    for (int attempt = 0; attempt < 2; ++attempt) {
      Poco::Redis::Array command;
      command << "EVALSHA" << script.sha << "1" << options_.keyPrefix;
      for (const std::string& arg : args) command << arg;
      std::optional<ServerError> error;
      Reply reply = convert(client.value()->sendCommand(command), error);
      if (!error) {
        giveBack(std::move(client.value()));
        markUp();
        return reply;
      }
      if (error->message.rfind("NOSCRIPT", 0) != 0 || attempt == 1) {
        giveBack(std::move(client.value()));
        return makeError(ErrorCode::kInternal, "redis script " + name + ": " + error->message);
      }
      // Redis restarted or flushed its script cache: load it again and retry once.
      Poco::Redis::Array load;
      load << "SCRIPT"
           << "LOAD" << script.source;
      std::optional<ServerError> loadError;
      convert(client.value()->sendCommand(load), loadError);
      if (loadError) {
        giveBack(std::move(client.value()));
        return makeError(ErrorCode::kInternal,
                         "loading script " + name + ": " + loadError->message);
      }
    }
  } catch (const std::exception& e) {
    giveBack(nullptr);
    markDown(std::string("lost the connection: ") + e.what());
    return makeError(ErrorCode::kUnavailable, "redis unavailable: " + std::string(e.what()));
  }
  giveBack(std::move(client.value()));
  return makeError(ErrorCode::kInternal, "redis script " + name + " did not run");
}

api::ComponentHealth RedisClientPool::health() {
  auto client = acquire();
  if (!client) return {false, client.error().message};
  try {
    Poco::Redis::Array ping;
    ping << "PING";
    std::optional<ServerError> error;
    convert(client.value()->sendCommand(ping), error);
    giveBack(std::move(client.value()));
    if (error) return {false, "redis answered PING with " + error->message};
    markUp();
    return {true, "connected to " + endpoint_.host + ":" + std::to_string(endpoint_.port)};
  } catch (const std::exception& e) {
    giveBack(nullptr);
    markDown(std::string("lost the connection: ") + e.what());
    return {false, std::string("redis unavailable: ") + e.what()};
  }
}

}  // namespace vo::queue_redis
