// The queue's operations, one script each (see LuaPrelude.cpp for the key layout).
#include <array>

#include "LuaScripts.h"

namespace vo::queue_redis {
namespace {

// ARGV: now, then per job: id ws cmp lane due keys. Returns {added, alreadyQueued}.
constexpr const char* kEnqueue = R"LUA(
local now = lastNow()
local added, already = 0, 0
for i = 2, #ARGV, 6 do
  local id, ws, cmp, lane, due, keys = ARGV[i], ARGV[i+1], ARGV[i+2], ARGV[i+3], tonumber(ARGV[i+4]), ARGV[i+5]
  local j = key('j', id)
  if redis.call('EXISTS', j) == 1 then
    already = already + 1
  else
    local sid, node = streamFor(lane, ws, cmp, keys)
    redis.call('HSET', j, 'ws', ws, 'cmp', cmp, 'lane', lane, 'due', due, 'keys', keys, 'sid', sid, 'node', node)
    if due > now then placeDelayed(id, due, node, cmp) else placeWaiting(id, sid, node, cmp) end
    added = added + 1
  end
end
return {added, already}
)LUA";

// ARGV: now maxJobs leaseMs token... Returns leases, 6 fields each.
constexpr const char* kClaim = R"LUA(
local now, maxJobs, leaseMs = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
noteNow(now)
for _, id in ipairs(redis.call('ZRANGEBYSCORE', P .. ':delayed', '-inf', now, 'LIMIT', 0, 1000)) do
  local v = redis.call('HMGET', key('j', id), 'sid', 'node', 'cmp')
  unplace(id)
  placeWaiting(id, v[1], v[2], v[3])
end
for _, pkey in ipairs(redis.call('ZRANGEBYSCORE', P .. ':timers', '-inf', now, 'LIMIT', 0, 1000)) do
  redis.call('ZREM', P .. ':timers', pkey)
  redis.call('SADD', P .. ':dirty', pkey)
end
-- Keys that may have room again wake as many parked streams as they have room for.
local woken = 0
for _, pkey in ipairs(redis.call('SPOP', P .. ':dirty', 100)) do
  local n, at = room(pkey, now)
  if n == 0 and at > 0 then schedule(pkey, at) end
  local kh = key('k', pkey)
  local wanted = n < 0 and 1e15 or n - tonumber(redis.call('HGET', kh, 'credits') or '0')
  local more = false
  for lane = 0, 1 do
    local kp = key('kp', lane .. S .. pkey)
    while wanted > 0 and woken < 1000 do
      local sid = redis.call('LPOP', kp)
      if not sid then break end
      woken = woken + 1
      local node = redis.call('HGET', key('s', sid), 'node')
      if not isPaused(redis.call('HGET', key('c', node), 'cmp')) then
        redis.call('HSET', key('s', sid), 'credit', pkey)
        redis.call('HINCRBY', kh, 'credits', 1)
        wanted = wanted - 1
      end
      activateStream(sid)
    end
    if wanted > 0 and redis.call('LLEN', kp) > 0 then more = true end
  end
  if more then redis.call('SADD', P .. ':dirty', pkey) end
end
local leases = {}
local taken = 0
for lane = 0, 1 do
  local visits = 4 * maxJobs + 64
  while taken < maxJobs and visits > 0 do
    visits = visits - 1
    local sid, node = nextStream(tostring(lane))
    if not sid then break end
    local sl = key('sl', sid)
    local id = redis.call('LINDEX', sl, 0)
    while id do
      local v = redis.call('HMGET', key('j', id), 'state', 'sid')
      if v[1] == 'w' and v[2] == sid then break end
      redis.call('LPOP', sl)
      id = redis.call('LINDEX', sl, 0)
    end
    if not id then
      redis.call('HSET', key('s', sid), 'live', 0)
      detachStream(sid, node)
    else
      local blocked = blockingKey(split(redis.call('HGET', key('s', sid), 'keys')), now)
      if blocked then
        detachStream(sid, node)
        settleCredit(sid)
        park(sid, blocked, tostring(lane), now)
      else
        redis.call('LPOP', sl)
        settleCredit(sid)
        unplace(id)
        taken = taken + 1
        for _, field in ipairs(lease(id, now, leaseMs, ARGV[3 + taken])) do leases[#leases + 1] = field end
      end
    end
  end
end
return leases
)LUA";

// ARGV: id now leaseMs token. Returns {1, lease...}, {0} (stays in line), {-1} unknown, {-2}
// leased.
constexpr const char* kClaimCall = R"LUA(
local id, now, leaseMs = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local v = redis.call('HMGET', key('j', id), 'state', 'cmp', 'due', 'keys')
if not v[1] then return {-1} end
if v[1] == 'a' then return {-2} end
if tonumber(v[3]) > now or isPaused(v[2]) or blockingKey(split(v[4]), now) then return {0} end
unplace(id)
local result = lease(id, now, leaseMs, ARGV[4])
table.insert(result, 1, 1)
return result
)LUA";

// ARGV: id token keepSlots. Returns 1 when the token held.
constexpr const char* kComplete = R"LUA(
local id = ARGV[1]
local v = redis.call('HMGET', key('j', id), 'state', 'token')
if v[1] ~= 'a' or v[2] ~= ARGV[2] then return 0 end
redis.call('ZREM', P .. ':active', id)
redis.call('DEL', key('j', id))
if ARGV[3] ~= '1' then releaseHolder(id) end
return 1
)LUA";

// ARGV: id token dueAtMs.
constexpr const char* kRetry = R"LUA(
local id, due = ARGV[1], tonumber(ARGV[3])
local v = redis.call('HMGET', key('j', id), 'state', 'token', 'sid', 'node', 'cmp')
if v[1] ~= 'a' or v[2] ~= ARGV[2] then return 0 end
redis.call('ZREM', P .. ':active', id)
releaseHolder(id)
redis.call('HSET', key('j', id), 'due', due, 'token', '')
if due > lastNow() then placeDelayed(id, due, v[4], v[5]) else placeWaiting(id, v[3], v[4], v[5]) end
return 1
)LUA";

// ARGV: id token now leaseMs.
constexpr const char* kExtend = R"LUA(
local id = ARGV[1]
local v = redis.call('HMGET', key('j', id), 'state', 'token')
if v[1] ~= 'a' or v[2] ~= ARGV[2] then return 0 end
local exp = tonumber(ARGV[3]) + tonumber(ARGV[4])
redis.call('HSET', key('j', id), 'exp', exp)
redis.call('ZADD', P .. ':active', exp, id)
return 1
)LUA";

constexpr const char* kReleaseSlots = R"LUA(
releaseHolder(ARGV[1])
return 1
)LUA";

// ARGV: now max. Returns the recovered call ids.
constexpr const char* kRecover = R"LUA(
local ids = redis.call('ZRANGEBYSCORE', P .. ':active', '-inf', '(' .. ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(ids) do
  redis.call('ZREM', P .. ':active', id)
  redis.call('DEL', key('j', id))
  releaseHolder(id)
end
return ids
)LUA";

// ARGV: per key: key maxConcurrent perSecond burst.
constexpr const char* kSetLimits = R"LUA(
for i = 1, #ARGV, 4 do
  local h = key('k', ARGV[i])
  local rate = tonumber(ARGV[i+2])
  redis.call('HSET', h, 'max', ARGV[i+1], 'rate', ARGV[i+2], 'burst', ARGV[i+3])
  local tokens = tonumber(redis.call('HGET', h, 'tokens') or 'x')
  if rate <= 0 then
    redis.call('HDEL', h, 'tokens', 'refAt')
  elseif tokens then
    local size = tonumber(ARGV[i+3])
    if size <= 0 then size = math.max(1, math.floor(rate)) end
    redis.call('HSET', h, 'tokens', tostring(math.min(tokens, size)))
  end
  redis.call('SADD', P .. ':dirty', ARGV[i])
end
return 1
)LUA";

// ARGV: key untilMs.
constexpr const char* kThrottle = R"LUA(
local h = key('k', ARGV[1])
if tonumber(ARGV[2]) > tonumber(redis.call('HGET', h, 'thr') or '0') then redis.call('HSET', h, 'thr', ARGV[2]) end
redis.call('SADD', P .. ':dirty', ARGV[1])
return 1
)LUA";

// ARGV: campaignId "1"|"0". O(1) in jobs: touches the campaign's nodes (one per lane and
// workspace) and their streams.
constexpr const char* kPause = R"LUA(
local cmp = ARGV[1]
if ARGV[2] == '1' then redis.call('SADD', P .. ':paused', cmp) else redis.call('SREM', P .. ':paused', cmp) end
for _, node in ipairs(redis.call('SMEMBERS', key('cn', cmp))) do
  refreshCampaign(node)
  if ARGV[2] == '1' then
    for _, sid in ipairs(redis.call('SMEMBERS', key('cs', node))) do settleCredit(sid) end
  end
end
return 1
)LUA";

// ARGV: campaignId max. Returns how many unleased jobs were removed.
constexpr const char* kCancel = R"LUA(
local removed = 0
for _, id in ipairs(redis.call('SRANDMEMBER', key('cm', ARGV[1]), tonumber(ARGV[2]))) do
  unplace(id)
  redis.call('DEL', key('j', id))
  removed = removed + 1
end
return removed
)LUA";

// Returns {active, slotsHeld, {node, waiting...}, {node, delayed...}, {paused campaigns}}.
constexpr const char* kCounts = R"LUA(
return {redis.call('ZCARD', P .. ':active'), redis.call('HLEN', P .. ':holders'),
        redis.call('HGETALL', P .. ':nw'), redis.call('HGETALL', P .. ':nd'),
        redis.call('SMEMBERS', P .. ':paused')}
)LUA";

constexpr std::array kScripts{
    LuaScript{"enqueue", kEnqueue},
    LuaScript{"claim", kClaim},
    LuaScript{"claimCall", kClaimCall},
    LuaScript{"complete", kComplete},
    LuaScript{"retry", kRetry},
    LuaScript{"extend", kExtend},
    LuaScript{"releaseSlots", kReleaseSlots},
    LuaScript{"recover", kRecover},
    LuaScript{"setLimits", kSetLimits},
    LuaScript{"throttle", kThrottle},
    LuaScript{"pause", kPause},
    LuaScript{"cancel", kCancel},
    LuaScript{"counts", kCounts},
};

}  // namespace

std::span<const LuaScript> luaScripts() {
  return kScripts;
}

}  // namespace vo::queue_redis
