-- Kills one actor for good (ActorHandle.kill): its row goes DEAD with the reason, it leaves its
-- node's actor set and the unplaced set (so no declare-dead or placement ever recreates it), its
-- method log and checkpoints are deleted, and its name (if it has one and still holds it) is freed.
-- KEYS: row, log, checkpoints, counts, unplaced, its name key (the reverse of the name table)
-- ARGV: prefix, now, reason
-- Replies false if there is no row, else {state before, node before}; a row already DEAD is left
-- DEAD with its reason (killing twice is killing once), its log and checkpoints deleted all the same.
-- Checked first (check.lua): a key of another type, nothing written.
-- #include check.lua
local P, now, reason = ARGV[1], ARGV[2], ARGV[3]
expect(KEYS[1], 'hash')
expect(KEYS[2], 'list')
expect(KEYS[3], 'hash')
expect(KEYS[5], 'set')
expect(KEYS[6], 'string')
expectCounts(KEYS[4])
local a = readHash(KEYS[1], 'HMGET', 'state', 'node')
if a and a[2] and a[2] ~= '' then expect(P .. 'node:' .. a[2] .. ':actors', 'set') end
if CORRUPT then return corrupt() end
if not a[1] then return false end
local id = string.sub(KEYS[1], #P + 7)
local state, node = a[1], a[2] or ''
redis.call('DEL', KEYS[2], KEYS[3])
if state ~= 'DEAD' then
  redis.call('HSET', KEYS[1], 'state', 'DEAD', 'error', reason, 'updatedAt', now)
  if redis.call('HINCRBY', KEYS[4], 'actor.' .. state, -1) == 0 then redis.call('HDEL', KEYS[4], 'actor.' .. state) end
  redis.call('HINCRBY', KEYS[4], 'actor.DEAD', 1)
end
if node ~= '' then redis.call('SREM', P .. 'node:' .. node .. ':actors', id) end
redis.call('SREM', KEYS[5], id)
local name = redis.call('GET', KEYS[6])
if name then
  local nkey = P .. 'actorName:' .. name
  if redis.call('TYPE', nkey).ok == 'hash' and redis.call('HGET', nkey, 'actor') == id then redis.call('DEL', nkey) end
  redis.call('DEL', KEYS[6])
end
return {state, node}
