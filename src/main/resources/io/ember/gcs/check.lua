-- A fragment, included by every script that writes, run BEFORE its first write: Lua does not
-- roll back, so a key of another Redis type than Keys.java says, or a field that does not decode,
-- must be found while nothing is written yet. Each check records the first problem in CORRUPT;
-- the script then answers corrupt() (an error reply starting with CORRUPT that names the key)
-- having written nothing.
local CORRUPT = nil
local TYPES = {}   -- key -> its type, each asked once

local function expect(key, want)
  if CORRUPT then return false end
  local t = TYPES[key]
  if not t then
    t = redis.call('TYPE', key)
    t = t.ok or t
    TYPES[key] = t
  end
  if t ~= 'none' and t ~= want then
    CORRUPT = 'CORRUPT ' .. key .. ' is a ' .. t .. ', expected a ' .. want
    return false
  end
  return true
end

-- a field that must be a number when present
local function expectNumber(key, field, v)
  if CORRUPT or v == nil or v == false or tonumber(v) then return true end
  CORRUPT = 'CORRUPT ' .. key .. ' field ' .. field .. ' is not a number: ' .. string.sub(tostring(v), 1, 40)
  return false
end

-- a field that must be one of a set of names when present
local function expectOneOf(key, field, v, names)
  if CORRUPT or v == nil or v == false or names[v] then return true end
  CORRUPT = 'CORRUPT ' .. key .. ' field ' .. field .. ' has an unknown value: ' .. string.sub(tostring(v), 1, 40)
  return false
end

-- a read of a hash that would fail on another type: the reply, or nil (and CORRUPT set)
local function readHash(key, cmd, ...)
  if CORRUPT then return nil end
  local r = redis.pcall(cmd, key, ...)
  if type(r) == 'table' and r.err then
    CORRUPT = 'CORRUPT ' .. key .. ': ' .. r.err
    return nil
  end
  return r
end

-- every value of the counters hash must be an integer (HINCRBY fails on any other)
local function expectCounts(key)
  if not expect(key, 'hash') then return end
  local kv = redis.call('HGETALL', key)
  for j = 1, #kv, 2 do
    if not string.match(kv[j + 1], '^%-?%d+$') then
      CORRUPT = 'CORRUPT ' .. key .. ' field ' .. kv[j] .. ' is not an integer: ' .. string.sub(kv[j + 1], 1, 40)
      return
    end
  end
end

-- the members of a set, to check what they name; none if it is not a set (CORRUPT then says so)
local function membersOf(key)
  if not expect(key, 'set') then return {} end
  return redis.call('SMEMBERS', key)
end

local function corrupt()
  return redis.error_reply(CORRUPT)
end
