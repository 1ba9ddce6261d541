-- KEYS: ember:epoch, ember:node:<id>, ember:nodes. ARGV: id, now, then field/value pairs.
-- A new incarnation: INCR the epoch, forget any death, set the given fields, then epoch, state
-- ALIVE and startedAt (so given fields cannot override them). Returns the epoch.
-- Validated before the first write (check.lua): CORRUPT naming the key, nothing written.
-- #include check.lua
expect(KEYS[1], 'string')
expect(KEYS[2], 'hash')
expect(KEYS[3], 'set')
if not CORRUPT and not string.match(redis.call('GET', KEYS[1]) or '0', '^%d+$') then
  CORRUPT = 'CORRUPT ' .. KEYS[1] .. ' is not a counter'
end
if CORRUPT then return corrupt() end
local epoch = redis.call('INCR', KEYS[1])
redis.call('HDEL', KEYS[2], 'deadAt', 'deadReason')
if #ARGV > 2 then redis.call('HSET', KEYS[2], unpack(ARGV, 3)) end
redis.call('HSET', KEYS[2], 'epoch', epoch, 'state', 'ALIVE', 'startedAt', ARGV[2])
redis.call('SADD', KEYS[3], ARGV[1])
return epoch
