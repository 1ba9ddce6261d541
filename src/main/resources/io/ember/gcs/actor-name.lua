-- The actor name table (ember:actorName:<name> = {actor, node}): one rule for whether a name is
-- held, used by both ops. A name is held while the actor it names is ALIVE or RESTARTING, or has
-- no row yet (its constructor is running) on a node that is still ALIVE. A name whose actor is
-- DEAD, or whose claiming node died before the row was written, is free.
-- KEYS: the name key, the actor's name key (ember:actor:<id>:name)
-- ARGV: op ('claim' | 'get'), prefix, actor id (claim), claiming node (claim)
-- claim: replies {} when the name is now this actor's (also if it already was), else {holder};
--        writes the name key and the actor's reverse key
-- get:   replies {actor} of the live holder, or {} if the name is free
-- #include check.lua
local P = ARGV[2]
expect(KEYS[1], 'hash')
local h = readHash(KEYS[1], 'HMGET', 'actor', 'node')
if CORRUPT then return corrupt() end
local holder = h[1]
if holder then
  local row = P .. 'actor:' .. holder
  expect(row, 'hash')
  local s = readHash(row, 'HGET', 'state')
  if CORRUPT then return corrupt() end
  local live = s == 'ALIVE' or s == 'RESTARTING'
  if not s then live = h[2] and redis.call('HGET', P .. 'node:' .. h[2], 'state') == 'ALIVE' end
  if not live then holder = nil end
end
if ARGV[1] == 'get' then
  if holder then return {holder} end
  return {}
end
if holder and holder ~= ARGV[3] then return {holder} end
expect(KEYS[2], 'string')
if CORRUPT then return corrupt() end
redis.call('HSET', KEYS[1], 'actor', ARGV[3], 'node', ARGV[4])
redis.call('SET', KEYS[2], string.sub(KEYS[1], #P + 11))
return {}
