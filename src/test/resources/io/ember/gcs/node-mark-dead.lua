-- Test only. KEYS: ember:node:<id>. ARGV: now, reason. Marks a known node DEAD once: a second
-- call keeps the first deadAt and reason. Returns 1 if it changed the state.
local state = redis.call('HGET', KEYS[1], 'state')
if not state or state == 'DEAD' then return 0 end
redis.call('HSET', KEYS[1], 'state', 'DEAD', 'deadAt', ARGV[1], 'deadReason', ARGV[2])
return 1
