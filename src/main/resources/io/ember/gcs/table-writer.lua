-- Ember TableWriter batch: one EVALSHA applies a whole batch of one node's table writes.
--
-- KEYS[1] = ember:node:<nodeId>   (the writer's node hash: the fence)
-- ARGV[1] = the writer's epoch, ARGV[2] = now (ms, used for updatedAt/createdAt)
-- ARGV[3..] = ops, each an op code followed by its fixed arguments:
--   S id spec job function owner        task submitted (state PENDING)
--   T id state node attempts error      task state change ('' = no node / no error)
--   O id size task kind location        object copy created at location
--   X id location                       object copy removed from location
--   H heartbeatAt loadJson              node heartbeat (writer's own node)
--   J id n k1 v1 .. kn vn               job fields
--   L json                              recovery log entry (LPUSH, LTRIM 1000)
--
-- Fence: if the node hash's epoch is not ARGV[1] or its state is not ALIVE, reply an error
-- starting with FENCED and apply nothing.
--
-- Idempotence: every op sets values or adds/removes set members, and every counter delta is
-- computed from the state read here, so re-applying a suffix of already applied batches (after
-- a lost connection) leaves the tables and ember:counts exact. Only L (the recovery log) can
-- repeat an entry when a batch is re-sent.
local P = 'ember:'
local fence = redis.call('HMGET', KEYS[1], 'epoch', 'state')
if fence[1] ~= ARGV[1] or fence[2] ~= 'ALIVE' then
  return redis.error_reply('FENCED epoch ' .. ARGV[1] .. ' is not current (node epoch '
      .. tostring(fence[1]) .. ', state ' .. tostring(fence[2]) .. ')')
end

local now = ARGV[2]
local delta = {}
local ON_NODE = { QUEUED = true, RUNNING = true }

local function bump(field, n)
  delta[field] = (delta[field] or 0) + n
end

-- Moves a task to state s on node n ('' = none): node task sets and task.<STATE> counters
-- follow the state stored before the move.
local function move(id, key, s, n)
  local old = redis.call('HMGET', key, 'state', 'node')
  local os, on = old[1], old[2]
  local wasOn = os and ON_NODE[os] and on
  if wasOn and (on ~= n or not ON_NODE[s]) then
    redis.call('SREM', P .. 'node:' .. on .. ':tasks', id)
  end
  if ON_NODE[s] and n ~= '' and wasOn ~= n then   -- already a member when it stays on its node
    redis.call('SADD', P .. 'node:' .. n .. ':tasks', id)
  end
  if os ~= s then
    if os then bump('task.' .. os, -1) end
    bump('task.' .. s, 1)
  end
end

local function submitted(id, spec, job, fn, owner)
  local key = P .. 'task:' .. id
  move(id, key, 'PENDING', '')
  redis.call('HDEL', key, 'node')
  redis.call('HSET', key, 'spec', spec, 'state', 'PENDING', 'job', job, 'function', fn,
      'owner', owner, 'attempts', '0', 'updatedAt', now, 'error', '')
end

local function taskState(id, s, n, attempts, err)
  local key = P .. 'task:' .. id
  move(id, key, s, n)
  if n ~= '' then
    redis.call('HSET', key, 'state', s, 'node', n, 'attempts', attempts, 'updatedAt', now, 'error', err)
  else
    redis.call('HSET', key, 'state', s, 'attempts', attempts, 'updatedAt', now, 'error', err)
  end
end

local function objectCreated(id, size, task, kind, loc)
  local key, lkey = P .. 'obj:' .. id, P .. 'loc:' .. id
  local oldSize = redis.call('HGET', key, 'size')
  local before = redis.call('SCARD', lkey)
  redis.call('HSET', key, 'size', size, 'task', task, 'kind', kind)
  redis.call('HSETNX', key, 'createdAt', now)
  local added = redis.call('SADD', lkey, loc)
  redis.call('SADD', P .. 'node:' .. loc .. ':objects', id)
  if before > 0 then
    bump('objectBytes', tonumber(size) - tonumber(oldSize or size))
  elseif added == 1 then
    bump('objects', 1)
    bump('objectBytes', tonumber(size))
  end
end

local function locationRemoved(id, loc)
  local lkey = P .. 'loc:' .. id
  local removed = redis.call('SREM', lkey, loc)
  redis.call('SREM', P .. 'node:' .. loc .. ':objects', id)
  if removed == 1 and redis.call('SCARD', lkey) == 0 then
    bump('objects', -1)
    bump('objectBytes', -tonumber(redis.call('HGET', P .. 'obj:' .. id, 'size') or '0'))
  end
end

local function jobFields(id, first, n)
  local args = {}
  for j = first, first + 2 * n - 1 do args[#args + 1] = ARGV[j] end
  args[#args + 1] = 'updatedAt'
  args[#args + 1] = now
  redis.call('HSET', P .. 'job:' .. id, unpack(args))
  redis.call('SADD', P .. 'jobs', id)
end

local i, last, ops, logged = 3, #ARGV, 0, false
while i <= last do
  local op = ARGV[i]
  if op == 'T' then
    taskState(ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5])
    i = i + 6
  elseif op == 'S' then
    submitted(ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5])
    i = i + 6
  elseif op == 'O' then
    objectCreated(ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5])
    i = i + 6
  elseif op == 'X' then
    locationRemoved(ARGV[i + 1], ARGV[i + 2])
    i = i + 3
  elseif op == 'H' then
    redis.call('HSET', KEYS[1], 'heartbeatAt', ARGV[i + 1], 'load', ARGV[i + 2])
    i = i + 3
  elseif op == 'J' then
    local n = tonumber(ARGV[i + 2])
    jobFields(ARGV[i + 1], i + 3, n)
    i = i + 3 + 2 * n
  elseif op == 'L' then
    redis.call('LPUSH', P .. 'recoveries', ARGV[i + 1])
    logged = true
    i = i + 2
  else
    return redis.error_reply('ERR ember write batch: unknown op ' .. tostring(op) .. ' at ' .. i)
  end
  ops = ops + 1
end

if logged then redis.call('LTRIM', P .. 'recoveries', 0, 999) end
for field, n in pairs(delta) do
  if n ~= 0 then redis.call('HINCRBY', P .. 'counts', field, string.format('%d', n)) end
end
return ops
