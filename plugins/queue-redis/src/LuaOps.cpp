// The queue's operations, one script each (see LuaPrelude.cpp for the key layout). Each body
// defines run(); the pool appends the call and the counters' flush.
#include <array>

#include "LuaScripts.h"

namespace vo::queue_redis {
namespace {

// ARGV: the number of streams, then per stream: lane ws cmp keys, then per job: id, its
// stream's number (from 1), due. Returns {added, alreadyQueued}. A stream is described once
// per batch, and the batch's jobs are looked up with one HMGET and written with one HSET: no
// command and little Lua work per job.
constexpr const char* kEnqueue = R"LUA(
local function run()
  local now = lastNow()
  local streams = {}
  local first = 2 + 4 * tonumber(ARGV[1])
  for i = 2, first - 1, 4 do
    local sid = streamFor(ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3])
    -- A waiting job's record but its state and due (see packJob).
    streams[#streams + 1] = {sid = sid, tail = S .. '0' .. S .. S .. sid}
  end
  local ids = {}
  for i = first, #ARGV, 3 do ids[#ids + 1] = ARGV[i] end
  if #ids == 0 then return {0, 0} end
  local existing = redis.call('HMGET', JOBS, unpack(ids))
  local added, already = 0, 0
  local seen, writes = {}, {}
  local batches, order = {}, {}
  for n, id in ipairs(ids) do
    local i = first + (n - 1) * 3
    if existing[n] or seen[id] then
      already = already + 1
    else
      seen[id] = true
      added = added + 1
      local stream, due = streams[tonumber(ARGV[i + 1])], ARGV[i + 2]
      local sid = stream.sid
      local state = 'w'
      if tonumber(due) > now then
        state = 'd'
        indexDelayed(id, sid, tonumber(due))
      else
        local batch = batches[sid]
        if not batch then batch = {}; batches[sid] = batch; order[#order + 1] = sid end
        batch[#batch + 1] = id
      end
      writes[#writes + 1] = id
      writes[#writes + 1] = state .. S .. due .. stream.tail
    end
  end
  if #writes > 0 then redis.call('HSET', JOBS, unpack(writes)) end
  -- One push per stream for the whole batch.
  for _, sid in ipairs(order) do
    local batch = batches[sid]
    redis.call('RPUSH', key('sl', sid), unpack(batch))
    redis.call('HINCRBY', key('s', sid), 'live', #batch)
    count(':nw', streamInfo(sid).node, #batch)
    if redis.call('HGET', key('s', sid), 'place') == 'i' then activateStream(sid) end
  end
  return {added, already}
end
)LUA";

// ARGV: now maxJobs leaseMs token... Returns leases, 6 fields each.
constexpr const char* kClaim = R"LUA(
local function promoteDue(now)
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', P .. ':delayed', '-inf', now, 'LIMIT', 0, 1000)) do
    local job = loadJob(id)
    unplace(id, 'd', job.sid)
    placeWaiting(id, job)
  end
end
-- Keys that may have room again wake as many parked streams as they have room for.
local function wakeParked(now)
  for _, pkey in ipairs(redis.call('ZRANGEBYSCORE', P .. ':timers', '-inf', now, 'LIMIT', 0, 1000)) do
    redis.call('ZREM', P .. ':timers', pkey)
    redis.call('SADD', P .. ':dirty', pkey)
  end
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
        if not isPaused(streamInfo(sid).cmp) then
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
end
-- Leases up to `want` jobs from the front of a stream (the caller saw room for one on every
-- key). The keys' room caps the visit, so slots and tokens are taken once per key for all its
-- jobs; jobs are popped, read and written in batches: a visit's commands do not grow with jobs.
local function takeFrom(sid, want, now, leaseMs, leases, taken)
  local info = streamInfo(sid)
  local limits = limitsOf(info)
  local held = {}
  for _, limit in ipairs(limits) do
    held[#held + 1] = limit[1]
    local n = room(limit[1], now)
    if n >= 0 and n < want then want = n end
  end
  if want <= 0 then return 0 end
  held = table.concat(held, '\n')
  local sl = key('sl', sid)
  local exp = now + leaseMs
  local ids, writes, byExpiry, holders = {}, {}, {}, {}
  while #ids < want do
    local popped = redis.call('LPOP', sl, want - #ids)
    if not popped then break end
    local packed = redis.call('HMGET', JOBS, unpack(popped))
    for n, id in ipairs(popped) do
      local job = unpackJob(packed[n])
      -- Stale entries (the job moved on) are dropped here.
      if job and job.state == 'w' and job.sid == sid then
        local token = ARGV[3 + taken + #ids + 1]
        ids[#ids + 1] = id
        job.state, job.token, job.exp = 'a', token, exp
        writes[#writes + 1] = id
        writes[#writes + 1] = packJob(job)
        byExpiry[#byExpiry + 1] = exp
        byExpiry[#byExpiry + 1] = id
        holders[#holders + 1] = id
        holders[#holders + 1] = held
        for _, field in ipairs({id, token, info.ws, info.cmp, info.lane, exp}) do
          leases[#leases + 1] = field
        end
      end
    end
  end
  if #ids == 0 then
    redis.call('HSET', key('s', sid), 'live', 0)
    detachStream(sid)
    return 0
  end
  redis.call('HSET', JOBS, unpack(writes))
  -- A call never holds two sets of slots: an old holding (a re-enqueued call) goes first.
  local old = redis.call('HMGET', P .. ':holders', unpack(ids))
  for i, id in ipairs(ids) do if old[i] then releaseHolder(id) end end
  for _, limit in ipairs(limits) do
    local h = key('k', limit[1])
    redis.call('HINCRBY', h, 'inUse', #ids)
    if limit[2] then
      local tokens = tonumber(redis.call('HGET', h, 'tokens') or 'x')
      if tokens then redis.call('HSET', h, 'tokens', tostring(math.max(0, tokens - #ids))) end
    end
  end
  redis.call('ZADD', P .. ':active', unpack(byExpiry))
  redis.call('HSET', P .. ':holders', unpack(holders))
  count(':nw', info.node, -#ids)
  settleCredit(sid)
  if redis.call('HINCRBY', key('s', sid), 'live', -#ids) <= 0 then
    redis.call('DEL', sl)
    detachStream(sid)
  end
  return #ids
end
-- How many jobs one visit may take: the remaining jobs shared out over the rings' lengths, so
-- a lone stream fills the claim in one visit while many tenants still get one job each.
local function share(remaining, ringLength, sid)
  if ringLength >= remaining then return 1 end
  local info = streamInfo(sid)
  local wnode = info.lane .. S .. info.ws
  local spread = ringLength * redis.call('LLEN', key('wr', wnode)) * redis.call('LLEN', key('cr', info.node))
  return math.max(1, math.floor(remaining / math.max(1, spread)))
end
local function run()
  local now, maxJobs, leaseMs = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
  noteNow(now)
  promoteDue(now)
  wakeParked(now)
  local leases = {}
  local taken = 0
  for lane = 0, 1 do
    -- Each visit leases jobs or parks a stream: bounded work whatever the queue holds.
    local visits = 4 * maxJobs + 64
    local ringLength = redis.call('LLEN', key('lr', tostring(lane)))
    while taken < maxJobs and visits > 0 do
      visits = visits - 1
      local sid = nextStream(tostring(lane))
      if not sid then break end
      local blocked = blockingKey(streamInfo(sid), now)
      if blocked then
        detachStream(sid)
        settleCredit(sid)
        park(sid, blocked, now)
      else
        local want = share(maxJobs - taken, ringLength, sid)
        taken = taken + takeFrom(sid, want, now, leaseMs, leases, taken)
      end
    end
  end
  return leases
end
)LUA";

// ARGV: id now leaseMs token. Returns {1, lease...}, {0} (stays in line), {-1} unknown,
// {-2} leased.
constexpr const char* kClaimCall = R"LUA(
local function run()
  local id, now, leaseMs = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
  local job = loadJob(id)
  if not job then return {-1} end
  if job.state == 'a' then return {-2} end
  if not leasableNow(job, now) then return {0} end
  unplace(id, job.state, job.sid)
  return leaseOne(id, job, now, leaseMs, ARGV[4])
end
)LUA";

// ARGV: id ws cmp lane due keys now leaseMs token. Leases a job that was never queued, so no
// other worker can see it. Returns {1, lease...}, {0} (no room: the caller enqueues it) or {-2}
// (the id is queued or leased already).
constexpr const char* kLeaseNew = R"LUA(
local function run()
  local id, due, now, leaseMs = ARGV[1], tonumber(ARGV[5]), tonumber(ARGV[7]), tonumber(ARGV[8])
  if redis.call('HEXISTS', JOBS, id) == 1 then return {-2} end
  local job = {due = due, sid = streamFor(ARGV[4], ARGV[2], ARGV[3], ARGV[6])}
  if not leasableNow(job, now) then return {0} end
  return leaseOne(id, job, now, leaseMs, ARGV[9])
end
)LUA";

// ARGV: id token keepSlots. Returns 1 when the token held.
constexpr const char* kComplete = R"LUA(
local function run()
  return completeJob(ARGV[1], ARGV[2], ARGV[3] == '1')
end
)LUA";

// ARGV: per job: id token keepSlots(0|1). Returns 1 or 0 per job, as complete does.
constexpr const char* kCompleteMany = R"LUA(
local function run()
  local answers = {}
  for i = 1, #ARGV, 3 do
    answers[#answers + 1] = completeJob(ARGV[i], ARGV[i + 1], ARGV[i + 2] == '1')
  end
  return answers
end
)LUA";

// ARGV: id token dueAtMs.
constexpr const char* kRetry = R"LUA(
local function run()
  local id, due = ARGV[1], tonumber(ARGV[3])
  local job = loadJob(id)
  if not job or job.state ~= 'a' or job.token ~= ARGV[2] then return 0 end
  redis.call('ZREM', P .. ':active', id)
  releaseHolder(id)
  job.due, job.token, job.exp = due, '', 0
  if due > lastNow() then placeDelayed(id, job) else placeWaiting(id, job) end
  return 1
end
)LUA";

// ARGV: id token now leaseMs.
constexpr const char* kExtend = R"LUA(
local function run()
  local id = ARGV[1]
  local job = loadJob(id)
  if not job or job.state ~= 'a' or job.token ~= ARGV[2] then return 0 end
  local exp = tonumber(ARGV[3]) + tonumber(ARGV[4])
  job.exp = exp
  saveJob(id, job)
  redis.call('ZADD', P .. ':active', exp, id)
  return 1
end
)LUA";

constexpr const char* kReleaseSlots = R"LUA(
local function run()
  for _, id in ipairs(ARGV) do releaseHolder(id) end
  return 1
end
)LUA";

// ARGV: now max. Returns the recovered call ids (at most 1,000 a call: one command for all).
constexpr const char* kRecover = R"LUA(
local function run()
  local ids = redis.call('ZRANGEBYSCORE', P .. ':active', '-inf', '(' .. ARGV[1], 'LIMIT', 0,
                         math.min(1000, tonumber(ARGV[2])))
  if #ids == 0 then return ids end
  redis.call('ZREM', P .. ':active', unpack(ids))
  redis.call('HDEL', JOBS, unpack(ids))
  for _, id in ipairs(ids) do releaseHolder(id) end
  return ids
end
)LUA";

// ARGV: per key: key maxConcurrent perSecond burst.
constexpr const char* kSetLimits = R"LUA(
local function run()
  for i = 1, #ARGV, 4 do
    local pkey, max, rate, burst = ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2]), tonumber(ARGV[i + 3])
    local h = key('k', pkey)
    redis.call('HSET', h, 'max', max, 'rate', ARGV[i + 2], 'burst', burst)
    local tokens = tonumber(redis.call('HGET', h, 'tokens') or 'x')
    if rate <= 0 then
      redis.call('HDEL', h, 'tokens', 'refAt')
    elseif tokens then
      local size = burst > 0 and burst or math.max(1, math.floor(rate))
      redis.call('HSET', h, 'tokens', tostring(math.min(tokens, size)))
    end
    if rate > 0 then
      redis.call('HSET', P .. ':lim', pkey, 'r')
    elseif max > 0 or redis.call('HEXISTS', h, 'thr') == 1 then
      redis.call('HSET', P .. ':lim', pkey, 'c')
    else
      redis.call('HDEL', P .. ':lim', pkey)
    end
    redis.call('SADD', P .. ':dirty', pkey)
  end
  return 1
end
)LUA";

// ARGV: key untilMs.
constexpr const char* kThrottle = R"LUA(
local function run()
  local h = key('k', ARGV[1])
  if tonumber(ARGV[2]) > tonumber(redis.call('HGET', h, 'thr') or '0') then
    redis.call('HSET', h, 'thr', ARGV[2])
  end
  redis.call('HSETNX', P .. ':lim', ARGV[1], 'c')
  redis.call('SADD', P .. ':dirty', ARGV[1])
  return 1
end
)LUA";

// ARGV: campaignId "1"|"0". O(1) in jobs: touches the campaign's nodes (one per lane and
// workspace) and their streams.
constexpr const char* kPause = R"LUA(
local function run()
  local cmp = ARGV[1]
  if ARGV[2] == '1' then
    redis.call('SADD', P .. ':paused', cmp)
  else
    redis.call('SREM', P .. ':paused', cmp)
  end
  for _, node in ipairs(redis.call('SMEMBERS', key('cn', cmp))) do
    refreshCampaign(node)
    if ARGV[2] == '1' then
      for _, sid in ipairs(redis.call('SMEMBERS', key('cs', node))) do settleCredit(sid) end
    end
  end
  return 1
end
)LUA";

// ARGV: campaignId max. Removes up to max unleased jobs: waiting ones from the campaign's
// streams, then delayed ones. Returns how many.
constexpr const char* kCancel = R"LUA(
local function run()
  local cmp, max = ARGV[1], tonumber(ARGV[2])
  local removed = 0
  for _, node in ipairs(redis.call('SMEMBERS', key('cn', cmp))) do
    for _, sid in ipairs(redis.call('SMEMBERS', key('cs', node))) do
      while removed < max do
        local id = redis.call('LPOP', key('sl', sid))
        if not id then break end
        local job = loadJob(id)
        if job and job.state == 'w' and job.sid == sid then
          unplace(id, 'w', sid)
          redis.call('HDEL', JOBS, id)
          removed = removed + 1
        end
      end
    end
  end
  if removed < max then
    for _, id in ipairs(redis.call('SRANDMEMBER', key('cm', cmp), max - removed)) do
      unplace(id, 'd', loadJob(id).sid)
      redis.call('HDEL', JOBS, id)
      removed = removed + 1
    end
  end
  return removed
end
)LUA";

// ARGV: a new generation. Returns the queue's generation, set to ARGV[1] when it has none: a
// server restarted empty (or flushed) answers a new one, and the dispatchers rebuild the queue.
constexpr const char* kGeneration = R"LUA(
local function run()
  local current = redis.call('GET', P .. ':generation')
  if current then return current end
  redis.call('SET', P .. ':generation', ARGV[1])
  return ARGV[1]
end
)LUA";

// ARGV: cursor count. Returns {next cursor ("0": done), call id...}: a page of slot holders.
constexpr const char* kHolders = R"LUA(
local function run()
  local page = redis.call('HSCAN', P .. ':holders', ARGV[1], 'COUNT', ARGV[2])
  local reply = {page[1]}
  for i = 1, #page[2], 2 do reply[#reply + 1] = page[2][i] end
  return reply
end
)LUA";

// ARGV: call id, its pacing keys joined by newlines, ... Each call not holding slots yet takes one
// slot of each of its keys that has a limit (as a claim would, without a token): the slots of
// calls ringing when the queue lost its state.
constexpr const char* kHold = R"LUA(
local function run()
  for i = 1, #ARGV, 2 do
    local id = ARGV[i]
    if redis.call('HEXISTS', P .. ':holders', id) == 0 then
      local keys, limited = split(ARGV[i + 1]), {}
      if #keys > 0 then
        local kinds = redis.call('HMGET', P .. ':lim', unpack(keys))
        for n, pkey in ipairs(keys) do
          if kinds[n] then
            limited[#limited + 1] = pkey
            redis.call('HINCRBY', key('k', pkey), 'inUse', 1)
          end
        end
      end
      redis.call('HSET', P .. ':holders', id, table.concat(limited, '\n'))
    end
  end
  return 1
end
)LUA";

// Returns {active, slotsHeld, {node, waiting...}, {node, delayed...}, {paused campaigns}}.
constexpr const char* kCounts = R"LUA(
local function run()
  return {redis.call('ZCARD', P .. ':active'), redis.call('HLEN', P .. ':holders'),
          redis.call('HGETALL', P .. ':nw'), redis.call('HGETALL', P .. ':nd'),
          redis.call('SMEMBERS', P .. ':paused')}
end
)LUA";

constexpr std::array kScripts{
    LuaScript{"enqueue", kEnqueue},
    LuaScript{"claim", kClaim},
    LuaScript{"claimCall", kClaimCall},
    LuaScript{"leaseNew", kLeaseNew},
    LuaScript{"complete", kComplete},
    LuaScript{"completeMany", kCompleteMany},
    LuaScript{"retry", kRetry},
    LuaScript{"extend", kExtend},
    LuaScript{"releaseSlots", kReleaseSlots},
    LuaScript{"hold", kHold},
    LuaScript{"recover", kRecover},
    LuaScript{"setLimits", kSetLimits},
    LuaScript{"throttle", kThrottle},
    LuaScript{"pause", kPause},
    LuaScript{"cancel", kCancel},
    LuaScript{"counts", kCounts},
    LuaScript{"generation", kGeneration},
    LuaScript{"holders", kHolders},
};

}  // namespace

std::span<const LuaScript> luaScripts() {
  return kScripts;
}

const char* luaEpilogue() {
  return "\nlocal result = run()\nflush()\nreturn result\n";
}

}  // namespace vo::queue_redis
