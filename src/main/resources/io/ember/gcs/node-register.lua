-- KEYS: ember:epoch, ember:node:<id>, ember:nodes. ARGV: id, now, then field/value pairs.
-- A new incarnation: INCR the epoch, forget any death, set the given fields, then epoch, state
-- ALIVE and startedAt (so given fields cannot override them). Returns the epoch.
local epoch = redis.call('INCR', KEYS[1])
redis.call('HDEL', KEYS[2], 'deadAt', 'deadReason')
if #ARGV > 2 then redis.call('HSET', KEYS[2], unpack(ARGV, 3)) end
redis.call('HSET', KEYS[2], 'epoch', epoch, 'state', 'ALIVE', 'startedAt', ARGV[2])
redis.call('SADD', KEYS[3], ARGV[1])
return epoch
