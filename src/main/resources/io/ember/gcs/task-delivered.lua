-- KEYS: task hash, counts
-- A task whose owner received its result, named lost by a verdict that came later (its node
-- died before its FINISHED write landed): the row says FINISHED, not LOST. Its copy may have been
-- on the dead node: a claim re-runs a FINISHED task with no live copy, as it would a LOST one.
-- Replies 1 if the row changed, 0 if it was not LOST (already re-run, or never lost).
if redis.call('TYPE', KEYS[1]).ok ~= 'hash' then return 0 end
local ct = redis.call('TYPE', KEYS[2]).ok
if ct ~= 'hash' and ct ~= 'none' then return 0 end
if redis.call('HGET', KEYS[1], 'state') ~= 'LOST' then return 0 end
if redis.call('HINCRBY', KEYS[2], 'task.LOST', -1) <= 0 then redis.call('HDEL', KEYS[2], 'task.LOST') end
redis.call('HINCRBY', KEYS[2], 'task.FINISHED', 1)
redis.call('HSET', KEYS[1], 'state', 'FINISHED')
return 1
