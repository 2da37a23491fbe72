// The shared part of the queue's Lua scripts. Layout (P = keyPrefix, "{vo}" by default, so every
// key shares one cluster hash slot; S = "\31" separates ids inside one key):
//   P:j:<call>            hash  job: ws cmp lane due keys sid node state token exp
//   P:s:<sid> P:sl:<sid>  hash + list  a stream: one campaign's jobs sharing pacing keys (FIFO)
//   P:c:<node> P:cr:<node>  hash + list  campaign node (lane S ws S cmp) and its ring of streams
//   P:w:<wnode> P:wr:<wnode>  hash + list  workspace node (lane S ws) and its ring of campaigns
//   P:lr:<lane>           list  the lane's ring of workspaces ("0" priority, "1" bulk)
//   P:delayed P:active P:timers  zsets by due time, lease expiry, key wake time
//   P:k:<key> P:kp:<lane S key>  hash + list  pacing key state and the streams parked on it
//   P:dirty P:paused P:holders P:nw P:nd P:now  and P:cn:<cmp> P:cm:<cmp> P:cs:<node> indexes
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
local function count(hash, field, delta)
  if redis.call('HINCRBY', P .. hash, field, delta) <= 0 then redis.call('HDEL', P .. hash, field) end
end
local function isPaused(cmp)
  return cmp ~= '' and redis.call('SISMEMBER', P .. ':paused', cmp) == 1
end
local function lastNow() return tonumber(redis.call('GET', P .. ':now') or '0') end
local function noteNow(now) if now > lastNow() then redis.call('SET', P .. ':now', now) end end

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
  local v = redis.call('HMGET', h, 'present', 'node')
  redis.call('HSET', h, 'place', 'r', 'parkedOn', '')
  if v[1] ~= '1' then
    redis.call('RPUSH', key('cr', v[2]), sid)
    redis.call('HSET', h, 'present', '1')
  end
  redis.call('HINCRBY', key('c', v[2]), 'streams', 1)
  refreshCampaign(v[2])
end
local function detachStream(sid, node)
  redis.call('HSET', key('s', sid), 'place', 'i')
  redis.call('HINCRBY', key('c', node), 'streams', -1)
  refreshCampaign(node)
end

-- The next stream of the lane in round-robin order (rotating workspace, campaign and stream).
local function nextStream(lane)
  local lr = key('lr', lane)
  for _ = 1, 256 do
    local wnode = redis.call('LINDEX', lr, 0)
    if not wnode then return nil end
    local wh = key('w', wnode)
    local wr = key('wr', wnode)
    if tonumber(redis.call('HGET', wh, 'active') or '0') <= 0 then
      redis.call('LPOP', lr)
      redis.call('HSET', wh, 'present', '0')
    else
      local node = redis.call('LINDEX', wr, 0)
      if not node then
        redis.call('LPOP', lr)
        redis.call('HSET', wh, 'present', '0', 'active', '0')
      elseif redis.call('HGET', key('c', node), 'on') ~= '1' then
        redis.call('LPOP', wr)
        redis.call('HSET', key('c', node), 'present', '0')
      else
        local cr = key('cr', node)
        local sid = redis.call('LINDEX', cr, 0)
        if sid and redis.call('HGET', key('s', sid), 'place') == 'r' then
          redis.call('LMOVE', lr, lr, 'LEFT', 'RIGHT')
          redis.call('LMOVE', wr, wr, 'LEFT', 'RIGHT')
          redis.call('LMOVE', cr, cr, 'LEFT', 'RIGHT')
          return sid, node
        end
        redis.call('LPOP', cr)
        if sid then redis.call('HSET', key('s', sid), 'present', '0') end
      end
    end
  end
  return nil
end

local function streamFor(lane, ws, cmp, keys)
  local node = lane .. S .. ws .. S .. cmp
  local sid = node .. S .. keys
  local h = key('s', sid)
  if redis.call('EXISTS', h) == 0 then
    redis.call('HSET', h, 'node', node, 'keys', keys, 'place', 'i', 'live', 0, 'present', '0')
    redis.call('SADD', key('cs', node), sid)
    local ch = key('c', node)
    if redis.call('HSETNX', ch, 'cmp', cmp) == 1 then
      redis.call('HSET', ch, 'wnode', lane .. S .. ws)
      if cmp ~= '' then redis.call('SADD', key('cn', cmp), node) end
    end
  end
  return sid, node
end
local function placeWaiting(id, sid, node, cmp)
  redis.call('HSET', key('j', id), 'state', 'w')
  redis.call('RPUSH', key('sl', sid), id)
  if cmp ~= '' then redis.call('SADD', key('cm', cmp), id) end
  count(':nw', node, 1)
  redis.call('HINCRBY', key('s', sid), 'live', 1)
  if redis.call('HGET', key('s', sid), 'place') == 'i' then activateStream(sid) end
end
local function placeDelayed(id, due, node, cmp)
  redis.call('HSET', key('j', id), 'state', 'd')
  redis.call('ZADD', P .. ':delayed', due, id)
  if cmp ~= '' then redis.call('SADD', key('cm', cmp), id) end
  count(':nd', node, 1)
end

-- Pacing: room for how many more calls on a key now (-1: unlimited) and, when none, the time
-- it gets room by itself (0: only when a slot is released).
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
local function blockingKey(keys, now)
  for _, pkey in ipairs(keys) do
    if room(pkey, now) == 0 then return pkey end
  end
  return nil
end
local function schedule(pkey, at) redis.call('ZADD', P .. ':timers', 'LT', at, pkey) end
local function park(sid, pkey, lane, now)
  redis.call('RPUSH', key('kp', lane .. S .. pkey), sid)
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

-- Takes a waiting or delayed job out of its structures.
local function unplace(id)
  local v = redis.call('HMGET', key('j', id), 'state', 'sid', 'node', 'cmp', 'lane')
  if v[4] ~= '' then redis.call('SREM', key('cm', v[4]), id) end
  if v[1] == 'd' then
    redis.call('ZREM', P .. ':delayed', id)
    count(':nd', v[3], -1)
    return
  end
  count(':nw', v[3], -1)
  local sid = v[2]
  if redis.call('HINCRBY', key('s', sid), 'live', -1) > 0 then return end
  redis.call('DEL', key('sl', sid))
  local s = redis.call('HMGET', key('s', sid), 'place', 'parkedOn')
  if s[1] == 'r' then
    detachStream(sid, v[3])
  elseif s[1] == 'p' then
    redis.call('LREM', key('kp', v[5] .. S .. s[2]), 1, sid)
    redis.call('HSET', key('s', sid), 'place', 'i', 'parkedOn', '')
  end
  settleCredit(sid)
end

local function lease(id, now, leaseMs, token)
  local j = key('j', id)
  local v = redis.call('HMGET', j, 'ws', 'cmp', 'lane', 'keys')
  local exp = now + leaseMs
  redis.call('HSET', j, 'state', 'a', 'token', token, 'exp', exp)
  redis.call('ZADD', P .. ':active', exp, id)
  releaseHolder(id)
  for _, pkey in ipairs(split(v[4])) do
    local h = key('k', pkey)
    redis.call('HINCRBY', h, 'inUse', 1)
    local tokens = tonumber(redis.call('HGET', h, 'tokens') or 'x')
    if tokens and tonumber(redis.call('HGET', h, 'rate') or '0') > 0 then
      redis.call('HSET', h, 'tokens', tostring(math.max(0, tokens - 1)))
    end
  end
  redis.call('HSET', P .. ':holders', id, v[4])
  return {id, token, v[1], v[2], v[3], exp}
end
)LUA";
}

}  // namespace vo::queue_redis
