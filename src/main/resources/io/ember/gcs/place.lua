-- A fragment, included by the scripts that recreate actors (expects P, the key prefix):
-- place(resourcesJson, exclude) picks the ALIVE node (not exclude) that has every resource the
-- actor asks for (including node:<id> and node:<name>) and hosts the fewest actors. A node whose
-- row or actor set is not of its schema type cannot host: it is left out, never an error.
local cands = nil
local function candidates(exclude)
  if cands then return cands end
  cands = {}
  for _, n in ipairs(redis.call('SMEMBERS', P .. 'nodes')) do
    if n ~= exclude then
      local h = redis.pcall('HMGET', P .. 'node:' .. n, 'state', 'resources', 'name')
      local count = redis.pcall('SCARD', P .. 'node:' .. n .. ':actors')
      if not h.err and type(count) == 'number' and h[1] == 'ALIVE' then
        local ok, res = pcall(cjson.decode, h[2] or '{}')
        if not ok or type(res) ~= 'table' then res = {} end
        res['node:' .. n] = 1
        if h[3] and h[3] ~= '' then res['node:' .. h[3]] = 1 end
        cands[#cands + 1] = {id = n, res = res, count = count}
      end
    end
  end
  return cands
end
local function place(resJson, exclude)
  local ok, need = pcall(cjson.decode, resJson or '{}')
  if not ok or type(need) ~= 'table' then need = {} end
  local best = nil
  for _, c in ipairs(candidates(exclude)) do
    local fits = true
    for k, v in pairs(need) do
      if (tonumber(v) or 0) > 0 and (tonumber(c.res[k]) or 0) < tonumber(v) then fits = false end
    end
    if fits and (not best or c.count < best.count) then best = c end
  end
  if not best then return nil end
  best.count = best.count + 1
  return best.id
end
