-- KEYS: ember:epoch, ember:node:<id>, ember:nodes, ember:monitor:term. ARGV: id, now, known
-- epoch (this node's), floor (the highest epoch it heard of, any node), known term, n dead, then
-- n (dead id, dead epoch) pairs, then field/value pairs.
-- A node re-registers after Redis lost its row (restarted empty, or behind). First, the deaths
-- the node heard of are written back as DEAD rows where no row is (a zombie that resyncs later
-- finds its death; a row behind that death is overwritten); then, if this node's own row is DEAD, or at an epoch above the known one
-- that is not ALIVE, it is refused (-1: a verdict stands, the node fences itself). A row ALIVE
-- above the known epoch is this node's own earlier resync whose answer was lost: that epoch is
-- returned. Otherwise the counter is raised to at least the known epoch (it never goes back,
-- whatever Redis lost: to the highest epoch this node heard of) and INCRed; the monitor's term
-- counter likewise to at least the known term, so that a re-elected monitor's term is new: a new epoch strictly above any this node held.
-- #include check.lua
expect(KEYS[1], 'string')
expect(KEYS[2], 'hash')
expect(KEYS[3], 'set')
if not CORRUPT and not string.match(redis.call('GET', KEYS[1]) or '0', '^%d+$') then
  CORRUPT = 'CORRUPT ' .. KEYS[1] .. ' is not a counter'
end
expect(KEYS[4], 'string')
local known = tonumber(ARGV[3])
local floor = math.max(known, tonumber(ARGV[4]))
local term = tonumber(ARGV[5])
local dead = tonumber(ARGV[6])
local D = 7
for j = 0, dead - 1 do expect('ember:node:' .. ARGV[D + 2 * j], 'hash') end
if not CORRUPT and not string.match(redis.call('GET', KEYS[4]) or '0', '^%d+$') then
  CORRUPT = 'CORRUPT ' .. KEYS[4] .. ' is not a counter'
end
if CORRUPT then return corrupt() end
for j = 0, dead - 1 do
  local id, e = ARGV[D + 2 * j], ARGV[D + 1 + 2 * j]
  local key = 'ember:node:' .. id
  if tonumber(redis.call('HGET', key, 'epoch') or '0') < tonumber(e) then
    redis.call('HSET', key, 'epoch', e, 'state', 'DEAD', 'deadAt', ARGV[2],
        'deadReason', 'declared dead before Redis lost its tables')
    redis.call('SADD', KEYS[3], id)
  end
end
local row = redis.call('HMGET', KEYS[2], 'epoch', 'state')
if row[2] == 'DEAD' or row[2] == 'LEFT' then return -1 end
local rowEpoch = tonumber(row[1] or '0')
if row[1] and rowEpoch > known then
  if row[2] == 'ALIVE' then return rowEpoch end
  return -1
end
if tonumber(redis.call('GET', KEYS[1]) or '0') < floor then redis.call('SET', KEYS[1], floor) end
if tonumber(redis.call('GET', KEYS[4]) or '0') < term then redis.call('SET', KEYS[4], term) end
local epoch = redis.call('INCR', KEYS[1])
local first = D + 2 * dead
if #ARGV >= first then redis.call('HSET', KEYS[2], unpack(ARGV, first)) end
redis.call('HDEL', KEYS[2], 'deadAt', 'deadReason')
redis.call('HSET', KEYS[2], 'epoch', epoch, 'state', 'ALIVE', 'startedAt', ARGV[2])
redis.call('SADD', KEYS[3], ARGV[1])
return epoch
