// The shared part of the queue's Lua scripts. Layout (P = keyPrefix, "{vo}" by default, so every
// key shares one cluster hash slot; S = "\31" separates ids inside one key):
//   P:jobs                hash  call id -> its job packed as "state S due S exp S token S sid",
//                         one hash for all jobs so a batch reads and writes them in one command
//   P:s:<sid> P:sl:<sid>  hash + list  a stream: one campaign's jobs sharing pacing keys (FIFO);
//                         the hash holds node ws cmp lane keys place live present credit
//   P:lim                 hash  pacing keys that have a limit or throttle ("r": a rate too);
//                         keys without one cost nothing per call
//   P:c:<node> P:cr:<node>  hash + list  campaign node (lane S ws S cmp) and its ring of streams
//   P:w:<wnode> P:wr:<wnode>  hash + list  workspace node (lane S ws) and its ring of campaigns
//   P:lr:<lane>           list  the lane's ring of workspaces ("0" priority, "1" bulk)
//   P:delayed P:active P:timers  zsets by due time, lease expiry, key wake time
//   P:k:<key> P:kp:<lane S key>  hash + list  pacing key state and the streams parked on it
//   P:dirty P:paused P:holders P:nw P:nd P:now  and P:cn:<cmp> P:cm:<cmp> P:cs:<node> indexes
//   P:generation          string  names this state; a server restarted empty gets a new one
// Rings are lazy: a node leaving one only clears its flag and is dropped when next met, so
// every ring operation is O(1).
#include "LuaScripts.h"

namespace vo::queue_redis {

const char* luaPrelude() {
  return R"LUA(
local P = KEYS[1]
local S = '\31'
local function key(kind, id) return P .. ':' .. kind .. ':' .. id end
local function split(text)
  local parts = {}
  if not text or text == '' then return parts end
  for part in string.gmatch(text, '[^\n]+') do parts[#parts + 1] = part end
  return parts
end
-- Counters are summed in the script and written once at its end (flush).
local pendingCounts = {}
local function count(hash, field, delta)
  local byField = pendingCounts[hash]
  if not byField then byField = {}; pendingCounts[hash] = byField end
  byField[field] = (byField[field] or 0) + delta
end
local function flush()
  for hash, byField in pairs(pendingCounts) do
    for field, delta in pairs(byField) do
      if delta ~= 0 and redis.call('HINCRBY', P .. hash, field, delta) <= 0 then
        redis.call('HDEL', P .. hash, field)
      end
    end
  end
end
-- Jobs: {state = w|d|a, due, exp, token, sid}. The sid is last: it contains S itself.
local JOBS = P .. ':jobs'
local function packJob(job)
  return job.state .. S .. string.format('%d', job.due) .. S .. string.format('%d', job.exp or 0) ..
         S .. (job.token or '') .. S .. job.sid
end
local function unpackJob(packed)
  if not packed then return nil end
  local state, due, exp, token, sid = string.match(packed, '^(%a)\31([^\31]*)\31([^\31]*)\31([^\31]*)\31(.*)$')
  return {state = state, due = tonumber(due), exp = tonumber(exp), token = token, sid = sid}
end
local function loadJob(id) return unpackJob(redis.call('HGET', JOBS, id)) end
local function saveJob(id, job) redis.call('HSET', JOBS, id, packJob(job)) end
local function isPaused(cmp)
  return cmp ~= '' and redis.call('SISMEMBER', P .. ':paused', cmp) == 1
end
local function lastNow() return tonumber(redis.call('GET', P .. ':now') or '0') end
local function noteNow(now) if now > lastNow() then redis.call('SET', P .. ':now', now) end end

-- What a stream is (fixed at its creation), read once per script.
local streamCache = {}
local function streamInfo(sid)
  local info = streamCache[sid]
  if info then return info end
  local v = redis.call('HMGET', key('s', sid), 'node', 'ws', 'cmp', 'lane', 'keys')
  info = {node = v[1], ws = v[2], cmp = v[3], lane = v[4], keys = split(v[5])}
  streamCache[sid] = info
  return info
end
-- The stream's keys that have limits: {key, hasRate}. Limits do not change within a script.
local function limitsOf(info)
  if info.limits then return info.limits end
  info.limits = {}
  if #info.keys > 0 then
    local kinds = redis.call('HMGET', P .. ':lim', unpack(info.keys))
    for i, pkey in ipairs(info.keys) do
      if kinds[i] then info.limits[#info.limits + 1] = {pkey, kinds[i] == 'r'} end
    end
  end
  return info.limits
end
local function streamFor(lane, ws, cmp, keys)
  local node = lane .. S .. ws .. S .. cmp
  local sid = node .. S .. keys
  if streamCache[sid] then return sid, node end
  local h = key('s', sid)
  if redis.call('HSETNX', h, 'node', node) == 1 then
    redis.call('HSET', h, 'ws', ws, 'cmp', cmp, 'lane', lane, 'keys', keys, 'place', 'i', 'live', 0,
               'present', '0')
    redis.call('SADD', key('cs', node), sid)
    local ch = key('c', node)
    if redis.call('HSETNX', ch, 'cmp', cmp) == 1 then
      redis.call('HSET', ch, 'wnode', lane .. S .. ws)
      if cmp ~= '' then redis.call('SADD', key('cn', cmp), node) end
    end
  end
  streamInfo(sid)
  return sid, node
end

local function refreshWorkspace(wnode, delta)
  local h = key('w', wnode)
  if redis.call('HINCRBY', h, 'active', delta) > 0 and redis.call('HGET', h, 'present') ~= '1' then
    redis.call('RPUSH', key('lr', string.sub(wnode, 1, 1)), wnode)
    redis.call('HSET', h, 'present', '1')
  end
end
local function refreshCampaign(node)
  local h = key('c', node)
  local v = redis.call('HMGET', h, 'streams', 'on', 'present', 'cmp', 'wnode')
  local want = tonumber(v[1] or '0') > 0 and not isPaused(v[4] or '')
  if want == (v[2] == '1') then return end
  redis.call('HSET', h, 'on', want and '1' or '0')
  if want and v[3] ~= '1' then
    redis.call('RPUSH', key('wr', v[5]), node)
    redis.call('HSET', h, 'present', '1')
  end
  refreshWorkspace(v[5], want and 1 or -1)
end
local function activateStream(sid)
  local h = key('s', sid)
  local node = streamInfo(sid).node
  redis.call('HSET', h, 'place', 'r', 'parkedOn', '')
  if redis.call('HGET', h, 'present') ~= '1' then
    redis.call('RPUSH', key('cr', node), sid)
    redis.call('HSET', h, 'present', '1')
  end
  redis.call('HINCRBY', key('c', node), 'streams', 1)
  refreshCampaign(node)
end
local function detachStream(sid)
  local node = streamInfo(sid).node
  redis.call('HSET', key('s', sid), 'place', 'i')
  redis.call('HINCRBY', key('c', node), 'streams', -1)
  refreshCampaign(node)
end

-- The next stream of the lane in round-robin order. Each ring is rotated first and its head
-- checked after; a stale head (its node left the ring) is dropped from the tail it moved to.
local function nextStream(lane)
  local lr = key('lr', lane)
  for _ = 1, 256 do
    local wnode = redis.call('LMOVE', lr, lr, 'LEFT', 'RIGHT')
    if not wnode then return nil end
    local wh = key('w', wnode)
    local wr = key('wr', wnode)
    if tonumber(redis.call('HGET', wh, 'active') or '0') <= 0 then
      redis.call('RPOP', lr)
      redis.call('HSET', wh, 'present', '0')
    else
      local node = redis.call('LMOVE', wr, wr, 'LEFT', 'RIGHT')
      if not node then
        redis.call('RPOP', lr)
        redis.call('HSET', wh, 'present', '0', 'active', '0')
      elseif redis.call('HGET', key('c', node), 'on') ~= '1' then
        redis.call('RPOP', wr)
        redis.call('HSET', key('c', node), 'present', '0')
      else
        local cr = key('cr', node)
        local sid = redis.call('LMOVE', cr, cr, 'LEFT', 'RIGHT')
        if sid and redis.call('HGET', key('s', sid), 'place') == 'r' then return sid end
        if sid then
          redis.call('RPOP', cr)
          redis.call('HSET', key('s', sid), 'present', '0')
        end
      end
    end
  end
  return nil
end

local function placeWaiting(id, job)
  local sid = job.sid
  job.state = 'w'
  saveJob(id, job)
  redis.call('RPUSH', key('sl', sid), id)
  count(':nw', streamInfo(sid).node, 1)
  redis.call('HINCRBY', key('s', sid), 'live', 1)
  if redis.call('HGET', key('s', sid), 'place') == 'i' then activateStream(sid) end
end
-- Indexes a delayed job; the caller writes its record (state d).
local function indexDelayed(id, sid, due)
  local info = streamInfo(sid)
  redis.call('ZADD', P .. ':delayed', due, id)
  if info.cmp ~= '' then redis.call('SADD', key('cm', info.cmp), id) end
  count(':nd', info.node, 1)
end
local function placeDelayed(id, job)
  job.state = 'd'
  saveJob(id, job)
  indexDelayed(id, job.sid, job.due)
end

-- Pacing: room for how many more calls on a limited key now (-1: unlimited) and, when none,
-- the time it gets room by itself (0: only when a slot is released).
local function room(pkey, now)
  local h = key('k', pkey)
  local v = redis.call('HMGET', h, 'max', 'rate', 'burst', 'inUse', 'tokens', 'refAt', 'thr')
  local thr = tonumber(v[7] or '0')
  if thr > now then return 0, thr end
  local n = -1
  local max = tonumber(v[1] or '0')
  if max > 0 then
    n = max - tonumber(v[4] or '0')
    if n <= 0 then return 0, 0 end
  end
  local rate = tonumber(v[2] or '0')
  if rate > 0 then
    local size = tonumber(v[3] or '0')
    if size <= 0 then size = math.max(1, math.floor(rate)) end
    local tokens, refAt = tonumber(v[5]), tonumber(v[6])
    if not tokens then
      tokens, refAt = size, now
    elseif now > refAt then
      tokens, refAt = math.min(size, tokens + (now - refAt) * rate / 1000), now
    end
    redis.call('HSET', h, 'tokens', tostring(tokens), 'refAt', refAt)
    local whole = math.floor(tokens + 1e-9)
    if whole <= 0 then return 0, refAt + math.max(1, math.ceil((1 - tokens) * 1000 / rate)) end
    if n < 0 or whole < n then n = whole end
  end
  return n, 0
end
local function blockingKey(info, now)
  for _, limit in ipairs(limitsOf(info)) do
    if room(limit[1], now) == 0 then return limit[1] end
  end
  return nil
end
local function schedule(pkey, at) redis.call('ZADD', P .. ':timers', 'LT', at, pkey) end
local function park(sid, pkey, now)
  redis.call('RPUSH', key('kp', streamInfo(sid).lane .. S .. pkey), sid)
  redis.call('HSET', key('s', sid), 'place', 'p', 'parkedOn', pkey)
  local n, at = room(pkey, now)
  if n == 0 and at > 0 then schedule(pkey, at) end
end
local function settleCredit(sid)
  local h = key('s', sid)
  local ck = redis.call('HGET', h, 'credit')
  if not ck or ck == '' then return end
  if tonumber(redis.call('HGET', key('k', ck), 'credits') or '0') > 0 then
    redis.call('HINCRBY', key('k', ck), 'credits', -1)
  end
  redis.call('SADD', P .. ':dirty', ck)
  redis.call('HSET', h, 'credit', '')
end
local function releaseHolder(id)
  local keys = redis.call('HGET', P .. ':holders', id)
  if not keys then return end
  redis.call('HDEL', P .. ':holders', id)
  for _, pkey in ipairs(split(keys)) do
    local h = key('k', pkey)
    if tonumber(redis.call('HGET', h, 'inUse') or '0') > 0 then redis.call('HINCRBY', h, 'inUse', -1) end
    redis.call('SADD', P .. ':dirty', pkey)
  end
end
-- The leased job leaves the queue (its slots stay held with keepSlots); 0: token not valid.
local function completeJob(id, token, keepSlots)
  local job = loadJob(id)
  if not job or job.state ~= 'a' or job.token ~= token then return 0 end
  redis.call('ZREM', P .. ':active', id)
  redis.call('HDEL', JOBS, id)
  if not keepSlots then releaseHolder(id) end
  return 1
end

-- Takes a waiting or delayed job out of its structures (its list entry goes stale).
local function unplace(id, state, sid)
  local info = streamInfo(sid)
  if state == 'd' then
    if info.cmp ~= '' then redis.call('SREM', key('cm', info.cmp), id) end
    redis.call('ZREM', P .. ':delayed', id)
    count(':nd', info.node, -1)
    return
  end
  count(':nw', info.node, -1)
  if redis.call('HINCRBY', key('s', sid), 'live', -1) > 0 then return end
  redis.call('DEL', key('sl', sid))
  local s = redis.call('HMGET', key('s', sid), 'place', 'parkedOn')
  if s[1] == 'r' then
    detachStream(sid)
  elseif s[1] == 'p' then
    redis.call('LREM', key('kp', info.lane .. S .. s[2]), 1, sid)
    redis.call('HSET', key('s', sid), 'place', 'i', 'parkedOn', '')
  end
  settleCredit(sid)
end

-- Leases a job taken out of line; its limited keys' slots are held until released.
local function lease(id, job, now, leaseMs, token)
  local info = streamInfo(job.sid)
  local exp = now + leaseMs
  job.state, job.token, job.exp = 'a', token, exp
  saveJob(id, job)
  redis.call('ZADD', P .. ':active', exp, id)
  releaseHolder(id)
  local held = {}
  for _, limit in ipairs(limitsOf(info)) do
    local h = key('k', limit[1])
    redis.call('HINCRBY', h, 'inUse', 1)
    if limit[2] then
      local tokens = tonumber(redis.call('HGET', h, 'tokens') or 'x')
      if tokens then redis.call('HSET', h, 'tokens', tostring(math.max(0, tokens - 1))) end
    end
    held[#held + 1] = limit[1]
  end
  redis.call('HSET', P .. ':holders', id, table.concat(held, '\n'))
  return {id, token, info.ws, info.cmp, info.lane, exp}
end
-- One call leased out of turn (claimCall, leaseNew): only when it is due, its campaign is not
-- paused and every limited key has room, as a claim would check.
local function leasableNow(job, now)
  local info = streamInfo(job.sid)
  return job.due <= now and not isPaused(info.cmp) and not blockingKey(info, now)
end
local function leaseOne(id, job, now, leaseMs, token)
  local result = lease(id, job, now, leaseMs, token)
  table.insert(result, 1, 1)
  return result
end
)LUA";
}

}  // namespace vo::queue_redis
