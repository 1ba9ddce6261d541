-- Ember TableWriter batch: one EVALSHA applies a whole batch of one node's table writes.
--
-- KEYS[1] = ember:node:<nodeId>   (the writer's node hash: the fence)
-- ARGV[1] = the writer's epoch, ARGV[2] = now (ms, used for updatedAt/createdAt), ARGV[3] = this
-- batch's sequence number, ARGV[4] = the highest one the writer had acknowledged at this epoch
-- when it sealed the batch (WriteSequence.java)
-- ARGV[5..] = ops, each an op code followed by its fixed arguments. An op is the net effect of
-- every write call on one row within the batch (the writer merges them; see ScriptOp.java):
--   T id state node attempts error errorCode errorType errorSubject
--                                       task state ('' node = leave the row's node); the four
--                                       error fields are one failure ('' = absent), always
--                                       written together (see TaskFailure.java)
--   S id spec job function owner state node attempts error errorCode errorType errorSubject
--                                       task submitted in this batch, then moved to state
--                                       ('' node = none: the submit removed it)
--   O id size task kind adds removes    object row ('' size = not created in this batch: row
--                                       left alone) and its locations (fields '@<node>'):
--                                       adds/removes are comma-separated node ids
--   H heartbeatAt loadJson              node heartbeat (writer's own node)
--   J id n k1 v1 .. kn vn               job fields
--   L json                              recovery log entry (LPUSH, LTRIM 1000)
--   K json                              a task-level recovery entry (its own list, LTRIM 1000)
--   P                                   probe: writes nothing (the batch proves the epoch current)
--   N id spec class resources maxRestarts state error owner
--                                       actor created on this node (nothing if the row exists)
--   A id incarnation first n (e call size) x n
--                                       method-log entries first..first+n-1 of an actor hosted here;
--                                       each call's output object <call>.1 (size bytes, kind
--                                       actor:<id>:<index>) is recorded here too ('' size = none)
--   C id incarnation position keep blob checkpoint taken after `position` calls; keeps the newest
--                                       `keep` and trims the log before the oldest kept one
--   R id incarnation                    actor restored here: RESTARTING -> ALIVE
--   D id incarnation error              actor dead here (its constructor or replay failed)
--   Y id incarnation spec class resources maxRestarts restarts owner position keep blob
--                                       actor re-published after Redis lost it (resync): its row
--                                       (this node, that incarnation, ALIVE, logBase = position)
--                                       and the fresh checkpoint at position; a row Redis kept is
--                                       replaced only if it is an older incarnation or holds fewer
--                                       calls than `position`, never if it is DEAD
-- The actor ops (A C R D) apply only if the actor row names this node and that incarnation;
-- otherwise the op is skipped and the actor's id is returned as refused (the reply is then
-- {ops, refusedId, ..} instead of ops): an old incarnation can never add to the log.
--
-- Fence: if the node hash's epoch is not ARGV[1] or its state is not ALIVE, reply an error
-- starting with FENCED and apply nothing.
--
-- Validation (check.lua): before the first write, every key the batch will touch is checked to
-- be of its schema type and every field it will decode to decode (the rows read by the ops are
-- read here, once, and handed to the first op on each); ops are checked to be whole and known.
-- A problem with a shared key: an error reply starting with CORRUPT (or ERR for a malformed
-- batch) naming it, and nothing written; with one entity's row: that entity's ops are skipped
-- (see validate below).
--
-- State functions, not histories: counters (task.<STATE>; objects and objectBytes over objects
-- with a location, i.e. an '@<node>' field in their row) and node task sets (a task is in ember:node:<n>:tasks iff its row's state is
-- QUEUED or RUNNING and its node is n) are derived from each row as stored before the op and
-- as written by it, never from the calls in between. So merged and one-by-one application leave
-- the same tables, and re-applying a suffix of applied batches (after a lost connection) leaves
-- them and ember:counts exact. Only L can repeat an entry when a batch is re-sent.
--
-- Cost: the calls that read or write one row's keys are made per op; the node sets (tasks,
-- objects) and the counters are written once per batch, for all ops together.
local P = 'ember:'
-- #include check.lua
if not expect(KEYS[1], 'hash') then return corrupt() end
local fence = redis.call('HMGET', KEYS[1], 'epoch', 'state')
if fence[1] ~= ARGV[1] or fence[2] ~= 'ALIVE' then
  -- the row is gone, or holds an older epoch than the writer's: Redis lost writes (restarted
  -- empty, an AOF that lost its tail, a replica promoted behind). Not a verdict: the node decides
  -- whether it may resync (NodeResync). A row at a newer epoch, or DEAD at this one, fences.
  if not fence[1] or (tonumber(fence[1]) or 0) < tonumber(ARGV[1]) then
    return redis.error_reply('RESYNC epoch ' .. ARGV[1] .. ' is unknown to Redis (node epoch '
        .. tostring(fence[1]) .. ', state ' .. tostring(fence[2]) .. ')')
  end
  return redis.error_reply('FENCED epoch ' .. ARGV[1] .. ' is not current (node epoch '
      .. tostring(fence[1]) .. ', state ' .. tostring(fence[2]) .. ')')
end

-- Behind: the row is at this epoch, but Redis lacks writes the node had acknowledged (an AOF that
-- lost its tail, a replica promoted without the last writes): the node resyncs as for a lost row.
local seq, watermark = tonumber(ARGV[3]), tonumber(ARGV[4])
if not seq or not watermark then return redis.error_reply('ERR ember write batch: no sequence number') end
local wseq = tonumber(redis.call('HGET', KEYS[1], 'wseq') or '0') or 0
if wseq < watermark then
  return redis.error_reply('RESYNC epoch ' .. ARGV[1] .. ' lost writes: Redis holds this node\'s batch ' .. wseq
      .. ', the node had batch ' .. watermark .. ' acknowledged')
end

local now = ARGV[2]
local ttlField = readHash(P .. 'config', 'HGET', 'lineageTtlMs')
if CORRUPT or not expectNumber(P .. 'config', 'lineageTtlMs', ttlField) then return corrupt() end
local LINEAGE_TTL = tonumber(ttlField or '0')
local delta = {}     -- counter field -> net change
local members = {}   -- set key -> { member -> true (in) | false (out) }: the last change wins
local ON_NODE = { QUEUED = true, RUNNING = true }

local function bump(field, n)
  delta[field] = (delta[field] or 0) + n
end

-- Rows read by the validation before any write, keyed by key: the first op on a row takes its
-- read (nothing can have written the row before it); a later op on the same row reads again.
local pre = {}
local function take(key, cmd, ...)
  local r = pre[key]
  if r ~= nil then
    pre[key] = nil
    return r
  end
  return redis.call(cmd, key, ...)
end
local function preread(key, cmd, ...)
  if pre[key] == nil then pre[key] = readHash(key, cmd, ...) end
  return pre[key]
end

local function member(key, m, isIn)
  local set = members[key]
  if not set then
    set = {}
    members[key] = set
  end
  set[m] = isIn
end

-- spec is nil unless the task was submitted in this batch.
-- Task states only move forward: (attempt, rank) never decreases. Several nodes write one task's
-- row (the forwarder records QUEUED at the target, the target RUNNING then FINISHED), each through
-- its own batches, so a write can land after a newer one; it is then stale and changes nothing
-- but the spec fields the row does not have yet. TaskWrite.fold applies the same rule in a batch.
local RANK = { PENDING = 0, QUEUED = 1, RUNNING = 2, LOST = 3, FINISHED = 4, FAILED = 4 }

local function task(id, spec, job, fn, owner, s, n, attempts, err, code, typ, subject)
  local key = P .. 'task:' .. id
  local old = take(key, 'HMGET', 'state', 'node', 'attempts')
  local os, on = old[1], old[2]
  if os then
    local oa, na = tonumber(old[3] or '0'), tonumber(attempts)
    if oa > na or (oa == na and RANK[os] > RANK[s]) then
      if spec then
        redis.call('HSETNX', key, 'spec', spec)
        redis.call('HSETNX', key, 'job', job)
        redis.call('HSETNX', key, 'function', fn)
        redis.call('HSETNX', key, 'owner', owner)
      end
      return
    end
  end
  local node = on                          -- the row's node field after this op
  if n ~= '' then node = n elseif spec then node = false end
  if spec then
    -- a task id always names the same spec: the first submission's fields stay (a claim may
    -- have changed the owner since)
    redis.call('HSETNX', key, 'spec', spec)
    redis.call('HSETNX', key, 'job', job)
    redis.call('HSETNX', key, 'function', fn)
    redis.call('HSETNX', key, 'owner', owner)
    if n == '' and on then redis.call('HDEL', key, 'node') end
  end
  if n ~= '' then
    redis.call('HSET', key, 'state', s, 'node', n, 'attempts', attempts, 'updatedAt', now, 'error', err,
        'errorCode', code, 'errorType', typ, 'errorSubject', subject)
  else
    redis.call('HSET', key, 'state', s, 'attempts', attempts, 'updatedAt', now, 'error', err,
        'errorCode', code, 'errorType', typ, 'errorSubject', subject)
  end
  if os ~= s then
    if os then bump('task.' .. os, -1) end
    bump('task.' .. s, 1)
  end
  -- lineage is kept lineageTtlMs after a task finishes (ember:config), then collected
  if s == 'FINISHED' then
    if LINEAGE_TTL > 0 then redis.call('PEXPIRE', key, LINEAGE_TTL) end
  elseif os == 'FINISHED' then
    redis.call('PERSIST', key)
  end
  local was = (os and ON_NODE[os] and on) or nil
  local is = (ON_NODE[s] and node) or nil
  if was ~= is then
    if was then member(P .. 'node:' .. was .. ':tasks', id, false) end
    if is then member(P .. 'node:' .. is .. ':tasks', id, true) end
  end
end

-- An object row is size, task, kind, createdAt (FIXED fields) plus one field '@<node>' per
-- location; adds and removes name disjoint locations.
local FIXED = 4
local function object(id, size, task, kind, adds, removes)
  local key = P .. 'obj:' .. id
  if size == '' then pre[key] = nil end      -- written below: a later op must read it afresh
  local fields, size0, fresh = {}, false, 0   -- fresh: FIXED fields the HSET creates
  if size ~= '' then
    size0 = take(key, 'HGET', 'size')
    -- kind '' = a copy made by a fetch: the row's kind stays as its creator wrote it
    fields = { 'size', size, 'task', task }
    if kind ~= '' or not size0 then
      fields[#fields + 1], fields[#fields + 2] = 'kind', (kind ~= '' and kind or 'copy')
    end
    if not size0 then
      fields[#fields + 1], fields[#fields + 2] = 'createdAt', now
      fresh = FIXED
    end
  end
  if adds ~= '' then                         -- only objectCreated adds: size ~= '' here
    for loc in string.gmatch(adds, '[^,]+') do
      fields[#fields + 1] = '@' .. loc
      fields[#fields + 1] = '1'
      member(P .. 'node:' .. loc .. ':objects', id, true)
    end
  end
  local added, removed = 0, 0
  if #fields > 0 then added = redis.call('HSET', key, unpack(fields)) - fresh end
  if removes ~= '' then
    local gone = {}
    for loc in string.gmatch(removes, '[^,]+') do
      gone[#gone + 1] = '@' .. loc
      member(P .. 'node:' .. loc .. ':objects', id, false)
    end
    removed = redis.call('HDEL', key, unpack(gone))
  end
  local card0, card1                         -- locations before and after
  if fresh > 0 then
    card0, card1 = 0, added                  -- a new row had no locations (and lost none)
  elseif size == '' and removed == 0 then
    return                                   -- no row written, no location changed
  else
    card1 = redis.call('HLEN', key) - FIXED
    card0 = card1 - added + removed
  end
  local had, has = card0 > 0, card1 > 0
  if had ~= has or (had and size ~= '') then
    if size == '' then size0 = redis.call('HGET', key, 'size') or '0' end
    if had then
      bump('objects', -1)
      bump('objectBytes', -tonumber(size0))
    end
    if has then
      bump('objects', 1)
      bump('objectBytes', tonumber(size ~= '' and size or size0))
    end
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

-- Actors. The row of an actor hosted elsewhere or by another incarnation refuses this node's ops.
local SELF = string.sub(KEYS[1], #P + 6)
local refused = {}
local function actorRow(id, inc)
  local a = take(P .. 'actor:' .. id, 'HMGET', 'node', 'incarnation', 'state', 'logBase')
  if a[1] ~= SELF or a[2] ~= inc or (a[3] ~= 'ALIVE' and a[3] ~= 'RESTARTING') then
    refused[#refused + 1] = id
    return nil
  end
  return a
end

local function actorState(id, from, to, err)
  redis.call('HSET', P .. 'actor:' .. id, 'state', to, 'updatedAt', now, 'error', err or '')
  bump('actor.' .. from, -1)
  bump('actor.' .. to, 1)
end

local function actorCreated(id, spec, class, resources, maxRestarts, state, err, owner)
  local key = P .. 'actor:' .. id
  pre[key] = nil                             -- written below: a later op must read it afresh
  if redis.call('EXISTS', key) == 1 then return end
  redis.call('HSET', key, 'spec', spec, 'class', class, 'resources', resources, 'maxRestarts', maxRestarts,
    'restarts', '0', 'node', SELF, 'incarnation', '1', 'state', state, 'error', err, 'logBase', '0',
    'owner', owner, 'createdAt', now, 'updatedAt', now)
  redis.call('SADD', P .. 'actors', id)
  if state ~= 'DEAD' then member(P .. 'node:' .. SELF .. ':actors', id, true) end
  bump('actor.' .. state, 1)
end

local function actorRepublished(id, inc, spec, class, resources, maxRestarts, restarts, owner, position, blob)
  local key = P .. 'actor:' .. id
  pre[key] = nil
  local row = redis.call('HMGET', key, 'node', 'incarnation', 'state', 'logBase')
  if row[3] == 'DEAD' then return end        -- DEAD is final (killed, or died): never re-published
  if row[3] then
    -- a row Redis kept from before it fell behind: replaced only if it is an older incarnation, or
    -- this one with fewer calls (checkpoint plus log) than the fresh checkpoint holds
    local rowInc, mine = tonumber(row[2]) or 0, tonumber(inc)
    local behind = rowInc == mine and row[1] == SELF
        and (tonumber(row[4]) or 0) + redis.call('LLEN', key .. ':log') < tonumber(position)
    if rowInc >= mine and not behind then return end
    bump('actor.' .. row[3], -1)
    if row[1] and row[1] ~= SELF then member(P .. 'node:' .. row[1] .. ':actors', id, false) end
    redis.call('DEL', key .. ':ckpt')
  end
  redis.call('HSET', key, 'spec', spec, 'class', class, 'resources', resources, 'maxRestarts', maxRestarts,
    'restarts', restarts, 'node', SELF, 'incarnation', inc, 'state', 'ALIVE', 'error', '', 'logBase', position,
    'owner', owner, 'createdAt', now, 'updatedAt', now)
  redis.call('DEL', key .. ':log')
  if blob ~= '' then redis.call('HSET', key .. ':ckpt', position, blob); redis.call('HSET', key, 'checkpointAt', now) end
  redis.call('SADD', P .. 'actors', id)
  member(P .. 'node:' .. SELF .. ':actors', id, true)
  bump('actor.ALIVE', 1)
end

local function actorAppend(id, inc, first, from, n)
  local a = actorRow(id, inc)
  if not a then return end
  local lkey = P .. 'actor:' .. id .. ':log'
  local have = tonumber(a[4] or '0') + redis.call('LLEN', lkey)
  if have < first then
    refused[#refused + 1] = id             -- a gap: entries before `first` never arrived
    return
  end
  -- have > first: a re-sent batch was applied before the connection was lost; append the rest only
  local entries = {}
  for k = have - first, n - 1 do entries[#entries + 1] = ARGV[from + 3 * k] end
  for j = 1, #entries, 1000 do
    redis.call('RPUSH', lkey, unpack(entries, j, math.min(j + 999, #entries)))
  end
  -- the outputs, in the same atomic step: a result released to its caller can always be found
  for k = 0, n - 1 do
    local call, size = ARGV[from + 3 * k + 1], ARGV[from + 3 * k + 2]
    if size ~= '' then object(call .. '.1', size, call, 'actor:' .. id .. ':' .. string.format('%d', first + k), SELF, '') end
  end
end

local function actorCheckpoint(id, inc, position, keep, blob)
  local a = actorRow(id, inc)
  if not a then return end
  local ckey = P .. 'actor:' .. id .. ':ckpt'
  redis.call('HSET', ckey, position, blob)
  redis.call('HSET', P .. 'actor:' .. id, 'checkpointAt', now)
  local ps = redis.call('HKEYS', ckey)
  for j = 1, #ps do ps[j] = tonumber(ps[j]) end
  table.sort(ps, function(x, y) return x > y end)
  for j = keep + 1, #ps do redis.call('HDEL', ckey, string.format('%d', ps[j])) end
  local oldest = ps[math.min(keep, #ps)]
  local base = tonumber(a[4] or '0')
  if oldest > base then
    redis.call('LTRIM', P .. 'actor:' .. id .. ':log', oldest - base, -1)
    redis.call('HSET', P .. 'actor:' .. id, 'logBase', string.format('%d', oldest))
  end
end

-- Validation: the keys and fields each op will touch, before anything is written.
local WIDTH = { S = 13, O = 7, T = 9, H = 3, N = 9, C = 6, R = 3, D = 4, P = 1, L = 2, K = 2, Y = 12 }
local function nodeSet(n, kind)
  if n and n ~= '' then expect(P .. 'node:' .. n .. ':' .. kind, 'set') end
end
local function checkTask(id, n)
  local key = P .. 'task:' .. id
  local old = preread(key, 'HMGET', 'state', 'node', 'attempts')
  if not old then return end
  expectOneOf(key, 'state', old[1], RANK)
  expectNumber(key, 'attempts', old[3])
  if old[1] and ON_NODE[old[1]] then nodeSet(old[2], 'tasks') end
  nodeSet(n, 'tasks')
end
local function checkObject(id, size, adds, removes)
  local key = P .. 'obj:' .. id
  if size ~= '' then
    expectNumber(key, 'size', preread(key, 'HGET', 'size'))
  elseif expect(key, 'hash') then
    expectNumber(key, 'size', redis.call('HGET', key, 'size'))
  end
  for loc in string.gmatch(adds .. ',' .. removes, '[^,]+') do nodeSet(loc, 'objects') end
end
local function checkActor(id)
  local key = P .. 'actor:' .. id
  local a = preread(key, 'HMGET', 'node', 'incarnation', 'state', 'logBase')
  if a then expectNumber(key, 'logBase', a[4]) end
  expect(key .. ':log', 'list')
end
local function checkCheckpoints(id)
  local key = P .. 'actor:' .. id .. ':ckpt'
  if not expect(key, 'hash') then return end
  for _, f in ipairs(redis.call('HKEYS', key)) do expectNumber(key, 'position', f) end
end
-- A problem with one entity's row (task, object, actor, job) skips the ops on that entity only:
-- each is answered as 'CORRUPT <key> ...' after the applied count, and the rest of the batch
-- applies. A problem with a shared key (a node's sets, the ledger, the config) refuses the batch.
-- Counters that do not decode are renamed aside (ember:counts:corrupt) and counting restarts: they
-- are statistics, and every write of the cluster must not stop for them.
local SKIP, WIDTHS, SKIPPED = {}, {}, {}
local function entityProblem(msg)
  return string.match(msg, '^CORRUPT ' .. P .. 'task:') or string.match(msg, '^CORRUPT ' .. P .. 'obj:')
      or string.match(msg, '^CORRUPT ' .. P .. 'actor:') or string.match(msg, '^CORRUPT ' .. P .. 'job:')
end
local function validate()
  expectCounts(P .. 'counts')
  if CORRUPT then
    redis.call('RENAME', P .. 'counts', P .. 'counts:corrupt')
    SKIPPED[#SKIPPED + 1] = CORRUPT .. '; renamed to ' .. P .. 'counts:corrupt, counting restarts'
    CORRUPT = nil
  end
  local j = 5
  while j <= #ARGV and not CORRUPT do
    local op = ARGV[j]
    local w = WIDTH[op]
    local n = tonumber(ARGV[j + (op == 'J' and 2 or 4)] or '')
    if op == 'J' then w = n and n >= 0 and 3 + 2 * n or nil end
    if op == 'A' then w = n and n >= 0 and 5 + 3 * n or nil end
    if not w or w < 1 or j + w - 1 > #ARGV then
      return 'ERR ember write batch: malformed op ' .. tostring(op) .. ' at ' .. j
    end
    if op == 'S' then checkTask(ARGV[j + 1], ARGV[j + 7])
    elseif op == 'T' then checkTask(ARGV[j + 1], ARGV[j + 3])
    elseif op == 'O' then checkObject(ARGV[j + 1], ARGV[j + 2], ARGV[j + 5], ARGV[j + 6])
    elseif op == 'J' then expect(P .. 'job:' .. ARGV[j + 1], 'hash'); expect(P .. 'jobs', 'set')
    elseif op == 'A' then
      checkActor(ARGV[j + 1])
      for k = 0, tonumber(ARGV[j + 4]) - 1 do
        if ARGV[j + 5 + 3 * k + 2] ~= '' then checkObject(ARGV[j + 5 + 3 * k + 1] .. '.1', ARGV[j + 5 + 3 * k + 2], SELF, '') end
      end
    elseif op == 'N' then
      expect(P .. 'actor:' .. ARGV[j + 1], 'hash'); expect(P .. 'actors', 'set'); nodeSet(SELF, 'actors')
    elseif op == 'C' then checkActor(ARGV[j + 1]); checkCheckpoints(ARGV[j + 1])
    elseif op == 'Y' then
      expect(P .. 'actor:' .. ARGV[j + 1], 'hash'); expect(P .. 'actors', 'set'); nodeSet(SELF, 'actors')
      checkCheckpoints(ARGV[j + 1])
    elseif op == 'R' then checkActor(ARGV[j + 1])
    elseif op == 'D' then checkActor(ARGV[j + 1]); nodeSet(SELF, 'actors')
    elseif op == 'L' then expect(P .. 'recoveries', 'list')
    elseif op == 'K' then expect(P .. 'recoveries:tasks', 'list')
    end
    if CORRUPT and entityProblem(CORRUPT) then
      SKIP[j] = true
      SKIPPED[#SKIPPED + 1] = CORRUPT
      CORRUPT = nil
    end
    WIDTHS[j] = w
    j = j + w
  end
  return CORRUPT
end
local invalid = validate()
if invalid then return redis.error_reply(invalid) end
if seq > wseq then redis.call('HSET', KEYS[1], 'wseq', seq) end

local i, last, ops, logged, loggedTasks = 5, #ARGV, 0, false, false
while i <= last do
  local op = ARGV[i]
  if SKIP[i] then
    i = i + WIDTHS[i]
  elseif op == 'S' then
    task(ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5], ARGV[i + 6], ARGV[i + 7],
        ARGV[i + 8], ARGV[i + 9], ARGV[i + 10], ARGV[i + 11], ARGV[i + 12])
    i = i + 13
  elseif op == 'O' then
    object(ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5], ARGV[i + 6])
    i = i + 7
  elseif op == 'T' then
    task(ARGV[i + 1], nil, nil, nil, nil, ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5], ARGV[i + 6],
        ARGV[i + 7], ARGV[i + 8])
    i = i + 9
  elseif op == 'H' then
    redis.call('HSET', KEYS[1], 'heartbeatAt', ARGV[i + 1], 'load', ARGV[i + 2])
    i = i + 3
  elseif op == 'J' then
    local n = tonumber(ARGV[i + 2])
    jobFields(ARGV[i + 1], i + 3, n)
    i = i + 3 + 2 * n
  elseif op == 'A' then
    local n = tonumber(ARGV[i + 4])
    actorAppend(ARGV[i + 1], ARGV[i + 2], tonumber(ARGV[i + 3]), i + 5, n)
    i = i + 5 + 3 * n
  elseif op == 'N' then
    actorCreated(ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5], ARGV[i + 6], ARGV[i + 7], ARGV[i + 8])
    i = i + 9
  elseif op == 'C' then
    actorCheckpoint(ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], tonumber(ARGV[i + 4]), ARGV[i + 5])
    i = i + 6
  elseif op == 'Y' then
    actorRepublished(ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5], ARGV[i + 6], ARGV[i + 7],
        ARGV[i + 8], ARGV[i + 9], ARGV[i + 11])
    i = i + 12
  elseif op == 'R' then
    local a = actorRow(ARGV[i + 1], ARGV[i + 2])
    if a and a[3] == 'RESTARTING' then actorState(ARGV[i + 1], 'RESTARTING', 'ALIVE') end
    i = i + 3
  elseif op == 'D' then
    local a = actorRow(ARGV[i + 1], ARGV[i + 2])
    if a then
      actorState(ARGV[i + 1], a[3], 'DEAD', ARGV[i + 3])
      member(P .. 'node:' .. SELF .. ':actors', ARGV[i + 1], false)
    end
    i = i + 4
  elseif op == 'P' then
    i = i + 1
  elseif op == 'L' then
    redis.call('LPUSH', P .. 'recoveries', ARGV[i + 1])
    logged = true
    i = i + 2
  elseif op == 'K' then
    redis.call('LPUSH', P .. 'recoveries:tasks', ARGV[i + 1])
    loggedTasks = true
    i = i + 2
  else
    return redis.error_reply('ERR ember write batch: unknown op ' .. tostring(op) .. ' at ' .. i)
  end
  ops = ops + 1
end

if logged then redis.call('LTRIM', P .. 'recoveries', 0, 999) end
if loggedTasks then redis.call('LTRIM', P .. 'recoveries:tasks', 0, 999) end

-- Node sets: one SREM and one SADD per set for the whole batch (at most 1000 members a call).
local function apply(cmd, key, list)
  for j = 1, #list, 1000 do redis.call(cmd, key, unpack(list, j, math.min(j + 999, #list))) end
end
for key, set in pairs(members) do
  local ins, outs = {}, {}
  for m, isIn in pairs(set) do
    if isIn then ins[#ins + 1] = m else outs[#outs + 1] = m end
  end
  apply('SREM', key, outs)
  apply('SADD', key, ins)
end

-- Counters: a field that comes back to 0 is removed (absent = 0), so ember:counts does not
-- depend on how calls were grouped into batches.
for field, n in pairs(delta) do
  if n ~= 0 and redis.call('HINCRBY', P .. 'counts', field, string.format('%d', n)) == 0 then
    redis.call('HDEL', P .. 'counts', field)
  end
end
if #refused > 0 or #SKIPPED > 0 then
  local out = { ops }
  for j = 1, #refused do out[#out + 1] = refused[j] end
  for j = 1, #SKIPPED do out[#out + 1] = SKIPPED[j] end
  return out
end
return ops
