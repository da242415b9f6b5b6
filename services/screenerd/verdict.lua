-- verdict.lua: the one atomic step per message id (see docs/service.md).
-- Writes the verdict entry, the strike and the penalty, the rate-limit
-- record and the review entry exactly once per message id: a second call
-- with the same id (a redelivery) finds the done key and changes nothing.
-- All keys carry the same hash tag (one Redis Cluster slot).
--
-- KEYS: 1 done, 2 strikes (zset), 3 penalty state (hash), 4 rate (zset),
--       5 verdict stream, 6 review stream
-- ARGV: 1 message id, 2 user, 3 group, 4 scan action, 5 severity,
--       6 categories (comma-separated), 7 verdict JSON, 8 masked text,
--       9 policy JSON, 10 text, 11 input entry id, 12 worker,
--       13 error ('' when the entry is valid)
-- Returns {1, verdict entry id, action, penalty, strikes, reason, new penalty}
-- or {0, verdict entry id of the earlier call}.
local prev = redis.call('GET', KEYS[1])
if prev then return {0, prev} end

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local p = cjson.decode(ARGV[9])
local action, reason, penalty, strikes, applied = ARGV[4], '', 'none', 0, ''

local function cats_match(cats, want)
  if want == nil then return true end
  for c in string.gmatch(cats, '[^,]+') do
    if want[c] then return true end
  end
  return false
end

-- Counts strikes for each ladder rule, strongest first; applies the first
-- rule that is reached.
local function climb()
  local all = redis.call('ZRANGEBYSCORE', KEYS[2], now - p.maxw, '+inf', 'WITHSCORES')
  strikes = #all / 2
  for _, r in ipairs(p.ladder) do
    local n = 0
    for i = 1, #all, 2 do
      if tonumber(all[i + 1]) > now - r.w then
        local _, _, sev, cats = string.find(all[i], '|(%d+)|([^|]*)$')
        if tonumber(sev) >= r.sev and cats_match(cats, r.cats) then n = n + 1 end
      end
    end
    if n >= r.n then
      penalty, applied = r.p, r.p
      reason = 'strike: ' .. r.desc .. ' -> ' .. r.p
      if r.p ~= 'warn' then
        local untl = 0
        if r.d > 0 then untl = now + r.d end
        redis.call('HSET', KEYS[3], 'penalty', r.p, 'until', untl, 'since', now,
          'message', ARGV[1], 'rule', r.desc)
        if r.d > 0 then redis.call('PEXPIRE', KEYS[3], r.d) else redis.call('PERSIST', KEYS[3]) end
      end
      return
    end
  end
  reason = 'strike'
end

if ARGV[13] ~= '' then
  action, reason = 'error', ARGV[13]
else
  local st = redis.call('HMGET', KEYS[3], 'penalty', 'until')
  local cur, untl = st[1], tonumber(st[2] or '0') or 0
  if cur and untl > 0 and untl <= now then
    redis.call('DEL', KEYS[3])
    cur = false
  end
  if cur then
    action, penalty = 'block', cur
    if cur == 'freeze' then reason = 'frozen' else reason = 'restricted' end
  else
    local limited = false
    if p.rln > 0 then
      redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - p.rlw)
      if redis.call('ZCARD', KEYS[4]) >= p.rln then
        limited = true
      else
        redis.call('ZADD', KEYS[4], now, ARGV[1])
        redis.call('PEXPIRE', KEYS[4], p.rlw)
      end
    end
    if limited then
      action, reason = p.rla, 'rate limit: more than ' .. p.rln .. ' messages in ' .. p.rlw .. 'ms'
    elseif p.sa[action] and tonumber(ARGV[5]) >= p.ms then
      redis.call('ZADD', KEYS[2], now, ARGV[1] .. '|' .. ARGV[5] .. '|' .. ARGV[6])
      redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - p.maxw)
      redis.call('PEXPIRE', KEYS[2], p.maxw)
      climb()
    end
  end
end

local fields = {'id', ARGV[1], 'user', ARGV[2], 'group', ARGV[3], 'action', action,
  'penalty', penalty, 'reason', reason, 'strikes', strikes, 'verdict', ARGV[7],
  'entry', ARGV[11], 'worker', ARGV[12]}
if action == 'mask' then
  table.insert(fields, 'masked'); table.insert(fields, ARGV[8])
end
local out = redis.call('XADD', KEYS[5], '*', unpack(fields))
if action == 'review' then
  redis.call('XADD', KEYS[6], '*', 'id', ARGV[1], 'user', ARGV[2], 'group', ARGV[3],
    'text', ARGV[10], 'verdict', ARGV[7], 'strikes', strikes, 'verdict_entry', out)
end
redis.call('SET', KEYS[1], out, 'PX', p.ttl)
return {1, out, action, penalty, strikes, reason, applied}
