-- KEYS: leader, dead node hash, its tasks set, its objects set, counts, recoveries, its actors set
-- ARGV: lease value (LEFT: the node's own epoch), dead node id, now, reason, prefix, the state it ends in (DEAD or LEFT)
-- DEAD: the acting monitor's verdict (only the lease holder). LEFT: the node itself as it stops
-- (only its current incarnation, only while ALIVE). Either way, the same cleanup at once, but for
-- its object copies (node-drop-copies.lua, in chunks: objectsDropped here counts those listed).
-- Before the first write (check.lua) every key it will touch is checked: one of another type, or
-- a field that does not decode, answers CORRUPT naming it, with nothing written. The dead node's
-- own row is the exception: a row of another type is replaced by a DEAD row saying so (the node
-- is declared dead either way, its tasks and actors move on, and it is never declared again).
local P = ARGV[5]
-- #include place.lua
-- #include check.lua
local dead, now, reason = ARGV[2], ARGV[3], ARGV[4]
local final = ARGV[6] == 'LEFT' and 'LEFT' or 'DEAD'
local rowType = redis.call('TYPE', KEYS[2])
rowType = rowType.ok or rowType
if final == 'LEFT' then
  if rowType ~= 'hash' or redis.call('HGET', KEYS[2], 'state') ~= 'ALIVE' or redis.call('HGET', KEYS[2], 'epoch') ~= ARGV[1] then
    return cjson.encode({notAlive = true})
  end
elseif redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return redis.error_reply('NOT_LEADER')
end
local RANKED = { PENDING = true, QUEUED = true, RUNNING = true, LOST = true, FINISHED = true, FAILED = true }
local ACTOR = { ALIVE = true, RESTARTING = true, DEAD = true }
expect(KEYS[3], 'set')
expect(KEYS[4], 'set')
expectCounts(KEYS[5])
expect(KEYS[6], 'list')
expect(KEYS[7], 'set')
expect(P .. 'actors:unplaced', 'set')
for _, tid in ipairs(membersOf(KEYS[3])) do
  local tkey = P .. 'task:' .. tid
  local t = readHash(tkey, 'HMGET', 'state')
  if t then expectOneOf(tkey, 'state', t[1], RANKED) end
end
for _, aid in ipairs(membersOf(KEYS[7])) do
  local akey = P .. 'actor:' .. aid
  local a = readHash(akey, 'HMGET', 'state', 'restarts', 'maxRestarts', 'incarnation')
  if a then
    expectOneOf(akey, 'state', a[1], ACTOR)
    expectNumber(akey, 'restarts', a[2])
    expectNumber(akey, 'maxRestarts', a[3])
    expectNumber(akey, 'incarnation', a[4])
  end
end
expect(P .. 'nodes', 'set')
if CORRUPT then return corrupt() end
local state = false
if rowType == 'none' then return cjson.encode({unknown = true}) end
if rowType ~= 'hash' then
  redis.call('DEL', KEYS[2])
  reason = reason .. ' (its node row was a ' .. rowType .. ', not a hash: replaced by this DEAD row)'
else
  state = redis.call('HGET', KEYS[2], 'state')
  if not state then return cjson.encode({unknown = true}) end
end
local already = state == 'DEAD' or state == 'LEFT'   -- a node that left stays LEFT when a monitor declares it too
if not already then
  redis.call('HSET', KEYS[2], 'state', final, 'deadAt', now, 'deadReason', reason)
  redis.call('HDEL', KEYS[2], 'load') -- it runs nothing now: its last load must not show as one
end
local function bump(field, n)
  if redis.call('HINCRBY', KEYS[5], field, n) == 0 then redis.call('HDEL', KEYS[5], field) end
end
-- its object copies are dropped by node-drop-copies.lua, in chunks, after this script: a node
-- holding 100,000s of copies would otherwise block Redis for seconds (every client, lease
-- renewals included). Until then its copies stay listed; readers pass over a DEAD node's.
local dropped = redis.call('SCARD', KEYS[4])
local lost = {}
for _, tid in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  local tkey = P .. 'task:' .. tid
  local t = redis.call('HMGET', tkey, 'state', 'node')
  if (t[1] == 'QUEUED' or t[1] == 'RUNNING') and t[2] == dead then
    -- a reason, not a failure of the task's code: text only (the other error fields cleared)
    redis.call('HSET', tkey, 'state', 'LOST', 'updatedAt', now, 'error', 'node ' .. dead .. (final == 'LEFT' and ' left: ' or ' died: ') .. reason,
      'errorCode', '', 'errorType', '', 'errorSubject', '')
    bump('task.' .. t[1], -1)
    bump('task.LOST', 1)
    lost[#lost + 1] = tid
  end
end
redis.call('DEL', KEYS[3])
-- its actors: recreated on another live node (a new incarnation), or dead once their restart budget is spent
local moved, gone, unplaced = {}, {}, 0
for _, aid in ipairs(redis.call('SMEMBERS', KEYS[7])) do
  local akey = P .. 'actor:' .. aid
  local a = redis.call('HMGET', akey, 'node', 'state', 'restarts', 'maxRestarts', 'resources', 'incarnation')
  if a[1] == dead and (a[2] == 'ALIVE' or a[2] == 'RESTARTING') then
    local restarts, maxr = tonumber(a[3] or '0') + 1, tonumber(a[4] or '-1')
    if maxr >= 0 and restarts > maxr then
      local why = 'its restart budget (' .. maxr .. ') is spent and node ' .. dead .. ' died (' .. reason .. ')'
      redis.call('HSET', akey, 'state', 'DEAD', 'error', why, 'node', '', 'updatedAt', now)
      bump('actor.' .. a[2], -1)
      bump('actor.DEAD', 1)
      gone[#gone + 1] = {aid, why}
    else
      local target = place(a[5], dead)
      local inc = tonumber(a[6] or '1') + 1
      redis.call('HSET', akey, 'state', 'RESTARTING', 'restarts', restarts, 'incarnation', inc,
        'node', target or '', 'updatedAt', now)
      if a[2] ~= 'RESTARTING' then
        bump('actor.' .. a[2], -1)
        bump('actor.RESTARTING', 1)
      end
      if target then
        redis.call('SADD', P .. 'node:' .. target .. ':actors', aid)
        moved[#moved + 1] = {aid, target, inc}
      else
        redis.call('SADD', P .. 'actors:unplaced', aid)
        unplaced = unplaced + 1
      end
    end
  end
end
redis.call('DEL', KEYS[7])
-- declared once per epoch: one entry, the first time only (a second declaration, e.g. by a new leader,
-- only sweeps what other nodes recorded onto it since, and writes nothing if there is none)
if not already then
  local entry = cjson.encode({kind = 'node-dead', node = dead, state = final, reason = reason, at = tonumber(now),
    objectsDropped = dropped, tasksLost = #lost, actorsMoved = #moved, actorsDead = #gone,
    actorsUnplaced = unplaced, by = final == 'LEFT' and dead or ARGV[1]})
  redis.call('LPUSH', KEYS[6], entry)
  redis.call('LTRIM', KEYS[6], 0, 999)
end
return cjson.encode({alreadyDead = already, objectsDropped = dropped, lost = lost, actors = moved, actorsDead = gone})
