#include "RedisClientPool.h"

#include <Poco/DigestEngine.h>
#include <Poco/Exception.h>
#include <Poco/SHA1Engine.h>
#include <Poco/URI.h>
#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <algorithm>
#include <stdexcept>

#include "LuaScripts.h"

namespace vo::queue_redis {

void RedisContextDeleter::operator()(redisContext* context) const {
  redisFree(context);
}

namespace {

using api::ErrorCode;
using api::makeError;

// A reply from the server that is an error ("-ERR ...") rather than a broken connection.
struct ServerError {
  std::string message;
};

// The connection is broken (or timed out): it cannot be used again.
struct ConnectionLost : std::runtime_error {
  using std::runtime_error::runtime_error;
};

Reply convert(const redisReply* value, std::optional<ServerError>& error) {
  Reply reply;
  switch (value->type) {
    case REDIS_REPLY_INTEGER:
      reply.kind = Reply::Kind::kInteger;
      reply.integer = value->integer;
      break;
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
      reply.kind = Reply::Kind::kString;
      reply.text.assign(value->str, value->len);
      break;
    case REDIS_REPLY_ARRAY:
      reply.kind = Reply::Kind::kArray;
      reply.items.reserve(value->elements);
      for (std::size_t i = 0; i < value->elements; ++i) {
        reply.items.push_back(convert(value->element[i], error));
      }
      break;
    case REDIS_REPLY_ERROR:
      error = ServerError{std::string(value->str, value->len)};
      break;
    default:  // nil
      break;
  }
  return reply;
}

// Sends one command and reads its reply (hiredis connects with TCP_NODELAY, so a command
// larger than one segment is not held back waiting for an acknowledgement).
Reply send(redisContext* connection, const std::vector<std::string>& args,
           std::optional<ServerError>& error) {
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  argv.reserve(args.size());
  lengths.reserve(args.size());
  for (const std::string& arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  auto* raw = static_cast<redisReply*>(
      redisCommandArgv(connection, static_cast<int>(args.size()), argv.data(), lengths.data()));
  if (raw == nullptr) throw ConnectionLost(connection->errstr);
  std::unique_ptr<redisReply, void (*)(void*)> reply(raw, freeReplyObject);
  return convert(reply.get(), error);
}

timeval timevalOf(int64_t ms) {
  return timeval{static_cast<time_t>(ms / 1000), static_cast<suseconds_t>((ms % 1000) * 1000)};
}

std::string sha1Hex(const std::string& text) {
  Poco::SHA1Engine engine;
  engine.update(text);
  return Poco::DigestEngine::digestToHex(engine.digest());
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

RedisConnection RedisClientPool::connect() {
  RedisConnection connection(redisConnectWithTimeout(endpoint_.host.c_str(), endpoint_.port,
                                                     timevalOf(options_.connectTimeoutMs)));
  if (!connection) throw ConnectionLost("out of memory");
  if (connection->err != 0) throw ConnectionLost(connection->errstr);
  if (redisSetTimeout(connection.get(), timevalOf(options_.commandTimeoutMs)) != REDIS_OK) {
    throw ConnectionLost(connection->errstr);
  }
  std::optional<ServerError> error;
  if (!endpoint_.password.empty()) {
    std::vector<std::string> auth{"AUTH"};
    if (!endpoint_.user.empty()) auth.push_back(endpoint_.user);
    auth.push_back(endpoint_.password);
    send(connection.get(), auth, error);
  }
  if (!error && endpoint_.db != 0) {
    send(connection.get(), {"SELECT", std::to_string(endpoint_.db)}, error);
  }
  if (error) throw ConnectionLost("redis refused the connection: " + error->message);
  return connection;
}

api::Result<RedisConnection> RedisClientPool::acquire() {
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

void RedisClientPool::giveBack(RedisConnection client) {
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
      std::vector<std::string> command{"EVALSHA", script.sha, "1", options_.keyPrefix};
      command.insert(command.end(), args.begin(), args.end());
      std::optional<ServerError> error;
      Reply reply = send(client.value().get(), command, error);
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
      std::optional<ServerError> loadError;
      send(client.value().get(), {"SCRIPT", "LOAD", script.source}, loadError);
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
    std::optional<ServerError> error;
    send(client.value().get(), {"PING"}, error);
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
