#include "vo/queue_redis/RedisQueue.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <mutex>
#include <random>
#include <set>

#include "RedisClientPool.h"
#include "vo/api/ConfigReader.h"

namespace vo::queue_redis {
namespace {

using api::ErrorCode;
using api::makeError;
using api::Result;

constexpr std::size_t kEnqueueBatch = 1000;  // ids per script call, so Redis never blocks long
constexpr int kMaxJobsPerClaim = 1000;
constexpr char kSeparator = '\x1f';  // also the separator inside the scripts' node ids

std::string laneCode(api::Lane lane) {
  return lane == api::Lane::kPriority ? "0" : "1";
}
api::Lane laneOf(const std::string& code) {
  return code == "0" ? api::Lane::kPriority : api::Lane::kBulk;
}

std::string joinKeys(std::vector<std::string> keys) {
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  std::string joined;
  for (const std::string& key : keys) joined.append(key).push_back('\n');
  return joined;
}

bool hasForbiddenChar(const std::string& text) {
  return text.find(kSeparator) != std::string::npos || text.find('\n') != std::string::npos;
}

std::optional<api::Error> validateJob(const api::QueueJob& job, std::size_t index) {
  auto field = [index](const char* name) { return "jobs[" + std::to_string(index) + "]." + name; };
  if (job.callId.empty()) return makeError(ErrorCode::kInvalid, field("callId") + ": empty");
  if (job.workspaceId.empty()) {
    return makeError(ErrorCode::kInvalid, field("workspaceId") + ": empty");
  }
  if (hasForbiddenChar(job.callId) || hasForbiddenChar(job.workspaceId) ||
      hasForbiddenChar(job.campaignId)) {
    return makeError(ErrorCode::kInvalid, field("callId") + ": control characters");
  }
  for (const std::string& key : job.pacingKeys) {
    if (key.empty() || hasForbiddenChar(key)) {
      return makeError(ErrorCode::kInvalid, field("pacingKeys") + ": empty or control characters");
    }
  }
  return std::nullopt;
}

api::Lease leaseFrom(const std::vector<Reply>& items, std::size_t at) {
  api::Lease lease;
  lease.callId = items[at].text;
  lease.token = items[at + 1].text;
  lease.workspaceId = items[at + 2].text;
  lease.campaignId = items[at + 3].text;
  lease.lane = laneOf(items[at + 4].text);
  lease.expiresAtMs = items[at + 5].integer;
  return lease;
}

// The enqueue script's arguments: each distinct stream (lane, workspace, campaign, pacing keys)
// once, then per job its id, its stream's number and its due time. A bulk's jobs mostly share
// one stream, so this halves what Redis parses and spares the script a lookup per job.
std::vector<std::string> enqueueArgs(std::span<const api::QueueJob> jobs) {
  std::vector<std::string> streams;
  std::map<std::string, std::size_t> numbers;
  std::vector<std::string> tail;
  tail.reserve(jobs.size() * 3);
  const api::QueueJob* previous = nullptr;
  std::size_t number = 0;
  for (const api::QueueJob& job : jobs) {
    if (previous == nullptr || previous->lane != job.lane ||
        previous->workspaceId != job.workspaceId || previous->campaignId != job.campaignId ||
        previous->pacingKeys != job.pacingKeys) {
      std::string keys = joinKeys(job.pacingKeys);
      std::string stream = laneCode(job.lane) + kSeparator + job.workspaceId + kSeparator +
                           job.campaignId + kSeparator + keys;
      auto [found, added] = numbers.try_emplace(std::move(stream), numbers.size() + 1);
      if (added) {
        streams.insert(streams.end(),
                       {laneCode(job.lane), job.workspaceId, job.campaignId, std::move(keys)});
      }
      number = found->second;
    }
    previous = &job;
    tail.insert(tail.end(), {job.callId, std::to_string(number), std::to_string(job.dueAtMs)});
  }
  std::vector<std::string> args{std::to_string(numbers.size())};
  args.reserve(1 + streams.size() + tail.size());
  std::move(streams.begin(), streams.end(), std::back_inserter(args));
  std::move(tail.begin(), tail.end(), std::back_inserter(args));
  return args;
}

api::Error unexpected(const std::string& script) {
  return makeError(ErrorCode::kInternal, "unexpected reply from redis script " + script);
}

class RedisQueue final : public api::CallQueue {
 public:
  explicit RedisQueue(const RedisQueueOptions& options) : pool_(options) {}

  api::ComponentHealth health() override { return pool_.health(); }

  Result<api::EnqueueOutcome> enqueue(std::span<const api::QueueJob> jobs) override {
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      if (auto error = validateJob(jobs[i], i)) return *error;
    }
    api::EnqueueOutcome outcome;
    // Batches are atomic each; a failure part way is safe to repeat since enqueue is idempotent.
    for (std::size_t start = 0; start < jobs.size(); start += kEnqueueBatch) {
      auto reply = pool_.runScript(
          "enqueue",
          enqueueArgs(jobs.subspan(start, std::min(kEnqueueBatch, jobs.size() - start))));
      if (!reply) return reply.error();
      if (reply->items.size() != 2) return unexpected("enqueue");
      outcome.added += reply->items[0].integer;
      outcome.alreadyQueued += reply->items[1].integer;
    }
    return outcome;
  }

  Result<std::vector<api::Lease>> claim(const api::ClaimRequest& request) override {
    if (request.maxJobs <= 0 || request.maxJobs > kMaxJobsPerClaim) {
      return makeError(ErrorCode::kInvalid, "maxJobs: must be 1..1000");
    }
    if (request.leaseMs <= 0) return makeError(ErrorCode::kInvalid, "leaseMs: must be positive");
    std::vector<std::string> args{std::to_string(request.nowMs), std::to_string(request.maxJobs),
                                  std::to_string(request.leaseMs)};
    for (int i = 0; i < request.maxJobs; ++i) args.push_back(newToken());
    auto reply = pool_.runScript("claim", args);
    if (!reply) return reply.error();
    std::vector<api::Lease> leases;
    if (reply->items.size() % 6 != 0) return unexpected("claim");
    for (std::size_t at = 0; at < reply->items.size(); at += 6) {
      leases.push_back(leaseFrom(reply->items, at));
    }
    return leases;
  }

  Result<std::optional<api::Lease>> claimCall(std::string_view callId, int64_t nowMs,
                                              int64_t leaseMs) override {
    if (leaseMs <= 0) return makeError(ErrorCode::kInvalid, "leaseMs: must be positive");
    auto reply = pool_.runScript("claimCall", {std::string(callId), std::to_string(nowMs),
                                               std::to_string(leaseMs), newToken()});
    return optionalLease("claimCall", callId, reply, "is leased");
  }

  Result<std::optional<api::Lease>> leaseNew(const api::QueueJob& job, int64_t nowMs,
                                             int64_t leaseMs) override {
    if (auto error = validateJob(job, 0)) return *error;
    if (leaseMs <= 0) return makeError(ErrorCode::kInvalid, "leaseMs: must be positive");
    auto reply = pool_.runScript(
        "leaseNew", {job.callId, job.workspaceId, job.campaignId, laneCode(job.lane),
                     std::to_string(job.dueAtMs), joinKeys(job.pacingKeys), std::to_string(nowMs),
                     std::to_string(leaseMs), newToken()});
    return optionalLease("leaseNew", job.callId, reply, "is already queued or leased");
  }

  Result<bool> extendLease(std::string_view callId, std::string_view token, int64_t nowMs,
                           int64_t leaseMs) override {
    if (leaseMs <= 0) return makeError(ErrorCode::kInvalid, "leaseMs: must be positive");
    return flag("extend", {std::string(callId), std::string(token), std::to_string(nowMs),
                           std::to_string(leaseMs)});
  }

  Result<bool> complete(std::string_view callId, std::string_view token, bool keepSlots) override {
    return flag("complete", {std::string(callId), std::string(token), keepSlots ? "1" : "0"});
  }

  Result<bool> retry(std::string_view callId, std::string_view token, int64_t dueAtMs) override {
    return flag("retry", {std::string(callId), std::string(token), std::to_string(dueAtMs)});
  }

  Result<std::vector<bool>> completeMany(std::span<const api::JobCompletion> jobs) override {
    if (jobs.empty()) return std::vector<bool>();
    std::vector<std::string> args;
    args.reserve(jobs.size() * 3);
    for (const api::JobCompletion& job : jobs) {
      args.push_back(job.callId);
      args.push_back(job.token);
      args.push_back(job.keepSlots ? "1" : "0");
    }
    auto reply = pool_.runScript("completeMany", args);
    if (!reply) return reply.error();
    if (reply->items.size() != jobs.size()) return unexpected("completeMany");
    std::vector<bool> completed;
    completed.reserve(jobs.size());
    for (const Reply& item : reply->items) completed.push_back(item.integer == 1);
    return completed;
  }

  Result<void> releaseSlots(std::string_view callId) override {
    return done(pool_.runScript("releaseSlots", {std::string(callId)}));
  }

  Result<void> releaseSlotsMany(std::span<const std::string> callIds) override {
    if (callIds.empty()) return {};
    return done(pool_.runScript("releaseSlots", {callIds.begin(), callIds.end()}));
  }

  Result<void> holdSlots(std::span<const api::QueueJob> jobs) override {
    if (jobs.empty()) return {};
    std::vector<std::string> args;
    args.reserve(jobs.size() * 2);
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      if (auto invalid = validateJob(jobs[i], i)) return *invalid;
      args.push_back(jobs[i].callId);
      args.push_back(joinKeys(jobs[i].pacingKeys));
    }
    return done(pool_.runScript("hold", args));
  }

  Result<std::vector<std::string>> recoverExpired(int64_t nowMs, int max) override {
    if (max <= 0) return makeError(ErrorCode::kInvalid, "max: must be positive");
    auto reply = pool_.runScript("recover", {std::to_string(nowMs), std::to_string(max)});
    if (!reply) return reply.error();
    std::vector<std::string> ids;
    for (const Reply& item : reply->items) ids.push_back(item.text);
    return ids;
  }

  Result<void> setPacingLimits(std::span<const api::PacingLimit> limits) override {
    std::vector<std::string> args;
    for (std::size_t i = 0; i < limits.size(); ++i) {
      const api::PacingLimit& limit = limits[i];
      std::string field = "limits[" + std::to_string(i) + "].";
      if (limit.key.empty() || hasForbiddenChar(limit.key)) {
        return makeError(ErrorCode::kInvalid, field + "key: empty or control characters");
      }
      if (limit.maxConcurrent < 0 || limit.perSecond < 0 || limit.burst < 0) {
        return makeError(ErrorCode::kInvalid, field + "maxConcurrent/perSecond/burst: negative");
      }
      args.insert(args.end(), {limit.key, std::to_string(limit.maxConcurrent),
                               std::to_string(limit.perSecond), std::to_string(limit.burst)});
    }
    if (args.empty()) return {};
    return done(pool_.runScript("setLimits", args));
  }

  Result<void> throttle(std::string_view pacingKey, int64_t untilMs) override {
    if (pacingKey.empty()) return makeError(ErrorCode::kInvalid, "pacingKey: empty");
    return done(pool_.runScript("throttle", {std::string(pacingKey), std::to_string(untilMs)}));
  }

  Result<void> pauseCampaign(std::string_view campaignId) override {
    if (campaignId.empty()) return makeError(ErrorCode::kInvalid, "campaignId: empty");
    return done(pool_.runScript("pause", {std::string(campaignId), "1"}));
  }

  Result<void> resumeCampaign(std::string_view campaignId) override {
    if (campaignId.empty()) return makeError(ErrorCode::kInvalid, "campaignId: empty");
    return done(pool_.runScript("pause", {std::string(campaignId), "0"}));
  }

  Result<int64_t> cancelCampaign(std::string_view campaignId, int max) override {
    if (campaignId.empty()) return makeError(ErrorCode::kInvalid, "campaignId: empty");
    if (max <= 0) return makeError(ErrorCode::kInvalid, "max: must be positive");
    auto reply = pool_.runScript("cancel", {std::string(campaignId), std::to_string(max)});
    if (!reply) return reply.error();
    return reply->integer;
  }

  Result<api::QueueCounts> counts() override;

  Result<api::SlotHolderPage> slotHolders(std::string_view cursor, int count) override {
    if (count <= 0) return makeError(ErrorCode::kInvalid, "count: must be positive");
    auto reply = pool_.runScript(
        "holders", {cursor.empty() ? "0" : std::string(cursor), std::to_string(count)});
    if (!reply) return reply.error();
    api::SlotHolderPage page;
    if (reply->items.empty()) return page;
    if (reply->items.front().text != "0") page.cursor = reply->items.front().text;
    for (std::size_t i = 1; i < reply->items.size(); ++i) {
      page.callIds.push_back(reply->items[i].text);
    }
    return page;
  }

  Result<std::string> generation() override {
    auto reply = pool_.runScript("generation", {newToken()});
    if (!reply) return reply.error();
    return reply->text;
  }

 private:
  Result<bool> flag(const std::string& script, const std::vector<std::string>& args) {
    auto reply = pool_.runScript(script, args);
    if (!reply) return reply.error();
    return reply->integer == 1;
  }

  // The reply of a script that leases one call: {1, lease...}, {0} (no lease now), {-1} (not
  // queued) or {-2} (the id is taken; `taken` says how).
  static Result<std::optional<api::Lease>> optionalLease(const std::string& script,
                                                         std::string_view callId,
                                                         const Result<Reply>& reply,
                                                         const std::string& taken) {
    if (!reply) return reply.error();
    if (reply->items.empty()) return unexpected(script);
    int64_t status = reply->items[0].integer;
    if (status == -1) {
      return makeError(ErrorCode::kNotFound, "call " + std::string(callId) + " is not queued");
    }
    if (status == -2) {
      return makeError(ErrorCode::kConflict, "call " + std::string(callId) + " " + taken);
    }
    if (status == 0) return std::optional<api::Lease>();
    if (reply->items.size() != 7) return unexpected(script);
    return std::optional<api::Lease>(leaseFrom(reply->items, 1));
  }

  static Result<void> done(const Result<Reply>& reply) {
    if (!reply) return reply.error();
    return {};
  }

  std::string newToken() {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string token(32, '0');
    std::lock_guard lock(randomMutex_);
    for (int half = 0; half < 2; ++half) {
      uint64_t bits = random_();
      for (int i = 0; i < 16; ++i) token[half * 16 + i] = kHex[(bits >> (i * 4)) & 0xF];
    }
    return token;
  }

  RedisClientPool pool_;
  std::mutex randomMutex_;
  std::mt19937_64 random_{std::random_device{}()};
};

Result<api::QueueCounts> RedisQueue::counts() {
  auto reply = pool_.runScript("counts", {});
  if (!reply) return reply.error();
  if (reply->items.size() != 5) return unexpected("counts");
  api::QueueCounts counts;
  counts.active = reply->items[0].integer;
  counts.slotsHeld = reply->items[1].integer;
  std::set<std::string> paused;
  for (const Reply& item : reply->items[4].items) paused.insert(item.text);
  // Node ids are lane, workspace and campaign joined by the separator.
  auto visit = [&](const Reply& pairs, bool waiting) {
    for (std::size_t i = 0; i + 1 < pairs.items.size(); i += 2) {
      const std::string& node = pairs.items[i].text;
      int64_t n = std::stoll(pairs.items[i + 1].text);
      auto first = node.find(kSeparator);
      auto second = node.find(kSeparator, first + 1);
      std::string workspace = node.substr(first + 1, second - first - 1);
      std::string campaign = node.substr(second + 1);
      if (!campaign.empty() && paused.contains(campaign)) {
        counts.paused += n;
      } else if (!waiting) {
        counts.delayed += n;
      } else {
        counts.waiting += n;
        counts.waitingByWorkspace[workspace] += n;
        if (!campaign.empty()) counts.waitingByCampaign[campaign] += n;
      }
    }
  };
  visit(reply->items[2], true);
  visit(reply->items[3], false);
  return counts;
}

}  // namespace

RedisQueueOptions readRedisQueueOptions(api::ConfigReader& config) {
  RedisQueueOptions options;
  options.url = config.getString("url", options.url);
  try {
    parseRedisUrl(options.url);
  } catch (const std::invalid_argument& e) {
    config.fail("url",
                std::string(e.what()) + " (expected redis://[user:password@]host:port[/db])");
  }
  options.keyPrefix = config.getString("keyPrefix", options.keyPrefix);
  if (options.keyPrefix.empty()) config.fail("keyPrefix", "must not be empty");
  options.poolSize = static_cast<int>(config.getInt("poolSize", options.poolSize, 1, 256));
  options.connectTimeoutMs = config.getInt("connectTimeoutMs", options.connectTimeoutMs, 10, 60000);
  options.commandTimeoutMs = config.getInt("commandTimeoutMs", options.commandTimeoutMs, 10, 60000);
  options.reconnectMinMs = config.getInt("reconnectMinMs", options.reconnectMinMs, 1, 60000);
  options.reconnectMaxMs =
      config.getInt("reconnectMaxMs", options.reconnectMaxMs, options.reconnectMinMs, 600000);
  config.rejectUnknownKeys();
  return options;
}

std::unique_ptr<api::CallQueue> makeRedisQueue(const RedisQueueOptions& options) {
  return std::make_unique<RedisQueue>(options);
}

}  // namespace vo::queue_redis
