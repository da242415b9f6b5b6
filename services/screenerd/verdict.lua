-- verdict.lua: the atomic verdict step for a batch of messages of one shard
-- (see docs/service.md). For each message it writes the verdict entry, the
-- strike and the penalty, the rate-limit record and the review entry
-- exactly once per message id: a message whose done key exists (a
-- redelivery) changes nothing. Messages are handled in order, so a user's
-- second message in a batch sees the first one's strike. All keys carry
-- the same hash tag (one Redis Cluster slot).
--
-- KEYS: 1 verdict stream, 2 review stream, then per message i (base
--       b = 2 + 4(i-1)): b+1 done, b+2 strikes (zset), b+3 penalty state
--       (hash), b+4 rate (zset)
-- ARGV: 1 policy JSON, 2 worker, then per message (base a = 2 + 11(i-1)):
--       a+1 message id, a+2 user, a+3 group, a+4 scan action, a+5 severity,
--       a+6 categories (comma-separated), a+7 verdict JSON, a+8 masked text,
--       a+9 text, a+10 input entry id, a+11 error ('' when valid)
-- Returns 7 values per message: 1, verdict entry id, action, penalty,
-- strikes, reason, new penalty ('' if none); or 0, the verdict entry id
-- of the earlier call, and 5 empty values; or 2, '', '', '', 0, the
-- reason, '' when one of the message's keys holds the wrong type (nothing
-- written for it: the message stays pending, the others go on).
local p = cjson.decode(ARGV[1])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local out = {}

local function cats_match(cats, want)
  if want == nil then return true end
  for c in string.gmatch(cats, '[^,]+') do
    if want[c] then return true end
  end
  return false
end

-- Counts the strikes for each ladder rule, strongest first; applies the
-- first rule that is reached. Returns penalty, reason, new penalty, strikes.
local function climb(kstrikes, kstate, id)
  local all = redis.call('ZRANGEBYSCORE', kstrikes, now - p.maxw, '+inf', 'WITHSCORES')
  local strikes = #all / 2
  for _, r in ipairs(p.ladder) do
    local n = 0
    for i = 1, #all, 2 do
      if tonumber(all[i + 1]) > now - r.w then
        local _, _, sev, cats = string.find(all[i], '|(%d+)|([^|]*)$')
        if tonumber(sev) >= r.sev and cats_match(cats, r.cats) then n = n + 1 end
      end
    end
    if n >= r.n then
      if r.p ~= 'warn' then
        local untl = 0
        if r.d > 0 then untl = now + r.d end
        redis.call('HSET', kstate, 'penalty', r.p, 'until', untl, 'since', now, 'message', id, 'rule', r.desc)
        if r.d > 0 then redis.call('PEXPIRE', kstate, r.d) else redis.call('PERSIST', kstate) end
      end
      return r.p, 'strike: ' .. r.desc .. ' -> ' .. r.p, r.p, strikes
    end
  end
  return 'none', 'strike', '', strikes
end

-- Decides one message; returns action, reason, penalty, strikes, new penalty.
local function decide(k, a)
  local id, action = ARGV[a + 1], ARGV[a + 4]
  if ARGV[a + 11] ~= '' then return 'error', ARGV[a + 11], 'none', 0, '' end
  local st = redis.call('HMGET', KEYS[k + 3], 'penalty', 'until')
  local cur, untl = st[1], tonumber(st[2] or '0') or 0
  if cur and untl > 0 and untl <= now then
    redis.call('DEL', KEYS[k + 3])
    cur = false
  end
  if cur then
    if cur == 'freeze' then return 'block', 'frozen', cur, 0, '' end
    return 'block', 'restricted', cur, 0, ''
  end
  if p.rln > 0 then
    redis.call('ZREMRANGEBYSCORE', KEYS[k + 4], '-inf', now - p.rlw)
    if redis.call('ZCARD', KEYS[k + 4]) >= p.rln then
      return p.rla, 'rate limit: more than ' .. p.rln .. ' messages in ' .. p.rlw .. 'ms', 'none', 0, ''
    end
    redis.call('ZADD', KEYS[k + 4], now, id)
    redis.call('PEXPIRE', KEYS[k + 4], p.rlw)
  end
  if p.sa[action] and tonumber(ARGV[a + 5]) >= p.ms then
    redis.call('ZADD', KEYS[k + 2], now, id .. '|' .. ARGV[a + 5] .. '|' .. ARGV[a + 6])
    redis.call('ZREMRANGEBYSCORE', KEYS[k + 2], '-inf', now - p.maxw)
    redis.call('PEXPIRE', KEYS[k + 2], p.maxw)
    local penalty, reason, applied, strikes = climb(KEYS[k + 2], KEYS[k + 3], id)
    return action, reason, penalty, strikes, applied
  end
  return action, '', 'none', 0, ''
end

-- The types the message's keys must have (done, strikes, state, rate). A
-- key of another type (written by hand or by another program) would make
-- Redis abort the whole script half-way; it is reported for its message.
local kinds = {'string', 'zset', 'hash', 'zset'}
local function wrong_type(k)
  for j = 1, 4 do
    local ty = redis.call('TYPE', KEYS[k + j])['ok']
    if ty ~= 'none' and ty ~= kinds[j] then
      return 'key ' .. KEYS[k + j] .. ' holds a ' .. ty .. ', not a ' .. kinds[j]
    end
  end
  return nil
end

local n = (#ARGV - 2) / 11
for i = 1, n do
  local k, a = 2 + 4 * (i - 1), 2 + 11 * (i - 1)
  local bad = wrong_type(k)
  local prev = false
  if not bad then prev = redis.call('GET', KEYS[k + 1]) end
  if bad then
    for _, v in ipairs({2, '', '', '', 0, bad, ''}) do table.insert(out, v) end
  elseif prev then
    for _, v in ipairs({0, prev, '', '', 0, '', ''}) do table.insert(out, v) end
  else
    local action, reason, penalty, strikes, applied = decide(k, a)
    local fields = {'id', ARGV[a + 1], 'user', ARGV[a + 2], 'group', ARGV[a + 3], 'action', action,
      'penalty', penalty, 'reason', reason, 'strikes', strikes, 'verdict', ARGV[a + 7],
      'entry', ARGV[a + 10], 'worker', ARGV[2]}
    if action == 'mask' then
      table.insert(fields, 'masked'); table.insert(fields, ARGV[a + 8])
    end
    local vid = redis.call('XADD', KEYS[1], '*', unpack(fields))
    if action == 'review' then
      redis.call('XADD', KEYS[2], '*', 'id', ARGV[a + 1], 'user', ARGV[a + 2], 'group', ARGV[a + 3],
        'text', ARGV[a + 9], 'verdict', ARGV[a + 7], 'strikes', strikes, 'verdict_entry', vid)
    end
    redis.call('SET', KEYS[k + 1], vid, 'PX', p.ttl)
    for _, v in ipairs({1, vid, action, penalty, strikes, reason, applied}) do table.insert(out, v) end
  end
end
return out
