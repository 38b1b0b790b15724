-- natterd's cluster state in Redis: one script, loaded on every connect
-- and run by EVALSHA with no KEYS (one standalone Redis; a Redis Cluster
-- would need the keys declared and tagged: shared/designs/cluster.md 6.3).
--
-- ARGV: op, prefix, node, incarnation, then the op's own arguments.
-- Every change publishes one state event on <prefix>:st, numbered by
-- INCR <prefix>:seq, so that every node applies them in one order:
--	N1 S - <seq> <time-ms> <EVENT> <fields...>\n<IRC line>
-- A node whose lease was taken (reaped, or Redis lost its data) is fenced:
-- everything but hello answers {-1}, and the node resyncs.

local op, P, node, inc = ARGV[1], ARGV[2], ARGV[3], ARGV[4]

local function now_ms()
	local t = redis.call('TIME')
	return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function publish(fields, line)
	local seq = redis.call('INCR', P .. ':seq')
	redis.call('PUBLISH', P .. ':st', 'N1 S - ' .. seq .. ' ' ..
	    now_ms() .. ' ' .. fields .. '\n' .. line)
	return seq
end

local function fenced()
	return redis.call('HGET', P .. ':node:' .. node, 'inc') ~= inc or
	    not redis.call('ZSCORE', P .. ':nodes', node)
end

-- Take uid out of the channel fold; an empty channel goes with its last
-- member, as channel_remove() does.
local function unjoin(uid, fold)
	local ck = P .. ':chan:' .. fold
	redis.call('HDEL', ck .. ':m', uid)
	redis.call('SREM', P .. ':uchan:' .. uid, fold)
	if redis.call('HLEN', ck .. ':m') == 0 then
		redis.call('DEL', ck, ck .. ':m', ck .. ':b', ck .. ':e',
		    ck .. ':I', ck .. ':inv')
		redis.call('SREM', P .. ':chans', fold)
	end
end

-- Everything about uid, without an event.
local function drop_user(uid)
	local uk = P .. ':user:' .. uid
	local u = redis.call('HMGET', uk, 'fold', 'node')
	if u[1] then
		local nk = P .. ':nick:' .. u[1]
		if redis.call('GET', nk) == uid then
			redis.call('DEL', nk)
		end
	end
	for _, f in ipairs(redis.call('SMEMBERS', P .. ':uchan:' .. uid)) do
		unjoin(uid, f)
	end
	redis.call('DEL', uk, P .. ':uchan:' .. uid)
	if u[2] then
		redis.call('SREM', P .. ':node:' .. u[2] .. ':users', uid)
	end
end

-- The node dead is gone: its users, its lease; one REAP event says so.
local function reap(dead, by)
	local uk = P .. ':node:' .. dead .. ':users'
	local users = redis.call('SMEMBERS', uk)
	for _, uid in ipairs(users) do
		drop_user(uid)
	end
	redis.call('DEL', uk, P .. ':node:' .. dead)
	redis.call('ZREM', P .. ':nodes', dead)
	publish('REAP ' .. dead, ':' .. by .. ' SQUIT ' .. dead .. ' :' ..
	    by .. ' ' .. dead)
	return #users
end

local function user_add(uid, fold, nick, user, host, real, signon,
    umodes, away)
	redis.call('SET', P .. ':nick:' .. fold, uid)
	redis.call('HSET', P .. ':user:' .. uid, 'nick', nick, 'fold', fold,
	    'user', user, 'host', host, 'real', real, 'node', node,
	    'signon', signon, 'umodes', umodes, 'away', away)
	redis.call('SADD', P .. ':node:' .. node .. ':users', uid)
	return publish('USER ' .. uid .. ' ' .. node .. ' ' .. signon ..
	    ' ' .. umodes, ':' .. nick .. '!' .. user .. '@' .. host ..
	    ' USER ' .. user .. ' 0 * :' .. real)
end

-- Join uid to fold; a channel made by it gets state (name, created,
-- modes, key, limit, topic, who, when) and the member flags; one found
-- gives no status, but in a burst to the same channel (as old or older).
-- Return the event's sequence number.
local function join(uid, fold, prefix, flags, st, burst)
	local ck = P .. ':chan:' .. fold
	local created = redis.call('HGET', ck, 'created')
	if flags == '-' then
		flags = ''
	end
	if not created then
		created = st[2]
		redis.call('HSET', ck, 'name', st[1], 'created', created,
		    'modes', st[3], 'key', st[4], 'limit', st[5],
		    'topic', st[6], 'twho', st[7], 'ttime', st[8])
		redis.call('SADD', P .. ':chans', fold)
	elseif not burst or tonumber(st[2]) > tonumber(created) then
		-- A younger channel of the same name loses its status, as
		-- channel timestamps decide in IRC's netjoins; the same
		-- channel (a burst after Redis lost it) keeps it.
		flags = ''
		st[1] = redis.call('HGET', ck, 'name')
	else
		st[1] = redis.call('HGET', ck, 'name')
	end
	redis.call('HSET', ck .. ':m', uid, flags)
	redis.call('SADD', P .. ':uchan:' .. uid, fold)
	redis.call('HDEL', ck .. ':inv', uid)
	return publish('JOIN ' .. uid .. ' ' .. (flags == '' and '-' or
	    flags) .. ' ' .. created, ':' .. prefix .. ' JOIN ' .. st[1])
end

-- Redis itself may stop (SIGSTOP, a slow disk, a failover): then every
-- lease runs out at once, though no node died. Each call notes when it
-- came; a gap of half a lease with no node calling (they beat five times
-- a lease) means Redis was away, and no one is reaped for a lease and 5 s
-- more: time for the nodes to come back (their retries wait up to 5 s).
-- A Redis that lost everything has no node to reap.
local function tick()
	local now = now_ms()
	local m = redis.call('HMGET', P .. ':meta', 'tick', 'lease')
	local lease = tonumber(m[2] or '10000')
	if m[1] and now - tonumber(m[1]) > lease / 2 then
		redis.call('HSET', P .. ':meta', 'grace', now + lease + 5000)
	end
	redis.call('HSET', P .. ':meta', 'tick', now)
end

if op == 'hello' then
	local lease = tonumber(redis.call('HGET', P .. ':meta', 'lease') or
	    '0')
	if tonumber(ARGV[5]) > lease then
		redis.call('HSET', P .. ':meta', 'lease', ARGV[5])
	end
end
tick()

if op == 'hello' then
	-- ARGV[5] lease ms, ARGV[6] an epoch, if Redis has none yet
	redis.call('HSETNX', P .. ':meta', 'epoch', ARGV[6])
	redis.call('HSETNX', P .. ':meta', 'version', '1')
	local nk = P .. ':node:' .. node
	local old = redis.call('HGET', nk, 'inc')
	local kept = 0
	if old == inc and redis.call('ZSCORE', P .. ':nodes', node) then
		kept = 1
	elseif old then
		-- An earlier run of this node, which no one reaped yet.
		reap(node, node)
	end
	redis.call('HSET', nk, 'inc', inc, 'started', now_ms())
	redis.call('ZADD', P .. ':nodes', now_ms() + tonumber(ARGV[5]), node)
	return {redis.call('HGET', P .. ':meta', 'epoch'), kept}
end

if fenced() then
	return {-1, 'fenced'}
end

if op == 'beat' then
	local now = now_ms()
	redis.call('ZADD', P .. ':nodes', now + tonumber(ARGV[5]), node)
	return {1, now}
elseif op == 'leave' then
	-- Stopping: its users quit before this; any left are reaped.
	if redis.call('SCARD', P .. ':node:' .. node .. ':users') > 0 then
		reap(node, node)
	else
		redis.call('DEL', P .. ':node:' .. node)
		redis.call('ZREM', P .. ':nodes', node)
	end
	return {1}
elseif op == 'reap' then
	if now_ms() < tonumber(redis.call('HGET', P .. ':meta', 'grace') or
	    '0') then
		return {0}
	end
	local dead = redis.call('ZRANGEBYSCORE', P .. ':nodes', '-inf',
	    now_ms(), 'LIMIT', 0, 1)
	if #dead == 0 or dead[1] == node then
		return {0}
	end
	return {1, dead[1], reap(dead[1], node)}
elseif op == 'reg' then
	-- uid fold nick user host real signon umodes
	local cur = redis.call('GET', P .. ':nick:' .. ARGV[6])
	if cur and cur ~= ARGV[5] then
		return {0, cur}
	end
	return {1, user_add(ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9],
	    ARGV[10], ARGV[11], ARGV[12], '')}
elseif op == 'nick' then
	-- uid newfold line
	local uid, fold = ARGV[5], ARGV[6]
	local uk = P .. ':user:' .. uid
	local old = redis.call('HGET', uk, 'fold')
	if not old then
		return {0, 'gone'}
	end
	local cur = redis.call('GET', P .. ':nick:' .. fold)
	if cur and cur ~= uid then
		return {0, cur}
	end
	redis.call('SET', P .. ':nick:' .. fold, uid)
	if old ~= fold and redis.call('GET', P .. ':nick:' .. old) == uid then
		redis.call('DEL', P .. ':nick:' .. old)
	end
	redis.call('HSET', uk, 'nick', ARGV[8], 'fold', fold)
	return {1, publish('NICK ' .. uid, ARGV[7])}
elseif op == 'join' then
	-- uid fold prefix name: a made channel gets +nt and the op
	local uid, fold = ARGV[5], ARGV[6]
	if redis.call('EXISTS', P .. ':user:' .. uid) == 0 then
		return {0, 'gone'}
	end
	if redis.call('HEXISTS', P .. ':chan:' .. fold .. ':m', uid) == 1 then
		return {0, 'member'}
	end
	return {1, join(uid, fold, ARGV[7], 'o', {ARGV[8],
	    tostring(math.floor(now_ms() / 1000)), 'nt', '', '0', '', '',
	    '0'})}
elseif op == 'part' or op == 'kick' then
	-- uid fold line [victim]: already done on the origin node
	local uid, fold = ARGV[5], ARGV[6]
	local who = op == 'kick' and ARGV[8] or uid
	if redis.call('HEXISTS', P .. ':chan:' .. fold .. ':m', who) == 0 then
		return {0, 'not a member'}
	end
	unjoin(who, fold)
	return {1, publish(string.upper(op) .. ' ' .. uid ..
	    (op == 'kick' and ' ' .. who or ''), ARGV[7])}
elseif op == 'quit' then
	-- uid line
	if redis.call('EXISTS', P .. ':user:' .. ARGV[5]) == 0 then
		return {0, 'gone'}
	end
	drop_user(ARGV[5])
	return {1, publish('QUIT ' .. ARGV[5], ARGV[6])}
elseif op == 'topic' then
	-- uid fold line text who time [w]
	local ck = P .. ':chan:' .. ARGV[6]
	if redis.call('EXISTS', ck) == 1 then
		redis.call('HSET', ck, 'topic', ARGV[8], 'twho', ARGV[9],
		    'ttime', ARGV[10])
	end
	-- "w": the origin waits for it too (its room has members elsewhere)
	return {1, publish('TOPIC ' .. ARGV[5] .. ' ' .. ARGV[10] ..
	    (ARGV[11] == 'w' and ' w' or ''), ARGV[7])}
elseif op == 'mode' then
	-- uid fold line who time, then (sign letter arg) per change; the
	-- arg of o and v is the member's uid
	local ck = P .. ':chan:' .. ARGV[6]
	local i = 10
	if redis.call('EXISTS', ck) == 0 then
		i = #ARGV + 1
	end
	while i + 2 <= #ARGV do
		local sign, m, arg = ARGV[i], ARGV[i + 1], ARGV[i + 2]
		i = i + 3
		if m == 'o' or m == 'v' then
			local f = redis.call('HGET', ck .. ':m', arg)
			if f then
				f = string.gsub(f, m, '')
				if sign == '+' then
					f = f .. m
				end
				redis.call('HSET', ck .. ':m', arg, f)
			end
		elseif m == 'k' then
			redis.call('HSET', ck, 'key', sign == '+' and arg or '')
		elseif m == 'l' then
			redis.call('HSET', ck, 'limit', sign == '+' and arg or '0')
		elseif m == 'b' or m == 'e' or m == 'I' then
			if sign == '+' then
				redis.call('HSET', ck .. ':' .. m, arg,
				    ARGV[8] .. ' ' .. ARGV[9])
			else
				redis.call('HDEL', ck .. ':' .. m, arg)
			end
		else
			local modes = string.gsub(redis.call('HGET', ck, 'modes')
			    or '', m, '')
			if sign == '+' then
				modes = modes .. m
			end
			redis.call('HSET', ck, 'modes', modes)
		end
	end
	return {1, publish('MODE ' .. ARGV[5], ARGV[7])}
elseif op == 'away' or op == 'umode' then
	-- uid line value
	redis.call('HSET', P .. ':user:' .. ARGV[5],
	    op == 'away' and 'away' or 'umodes', ARGV[7])
	return {1, publish(string.upper(op) .. ' ' .. ARGV[5] ..
	    (op == 'umode' and ' ' .. ARGV[7] or ''), ARGV[6])}
elseif op == 'invite' then
	-- uid fold line target
	local ck = P .. ':chan:' .. ARGV[6]
	if redis.call('EXISTS', ck) == 1 then
		redis.call('HSET', ck .. ':inv', ARGV[8], '1')
	end
	return {1, publish('INVITE ' .. ARGV[5] .. ' ' .. ARGV[8], ARGV[7])}
elseif op == 'burst' then
	-- This node's users as it has them, after a split: records
	--   U uid fold nick user host real signon umodes away alt altfold
	--   C fold name flags created modes key limit topic who when
	-- (C: a channel of the U before it). Redis is made to agree.
	local users, order, i = {}, {}, 5
	while i <= #ARGV do
		if ARGV[i] == 'U' then
			local u = {uid = ARGV[i + 1], a = {}, chans = {}}
			for j = 2, 11 do
				u.a[j - 1] = ARGV[i + j]
			end
			users[u.uid] = u
			order[#order + 1] = u
			i = i + 12
		else
			local c = {}
			for j = 1, 10 do
				c[j] = ARGV[i + j]
			end
			order[#order].chans[c[1]] = c
			i = i + 11
		end
	end
	-- Users who left during the split.
	for _, uid in ipairs(redis.call('SMEMBERS', P .. ':node:' .. node ..
	    ':users')) do
		if not users[uid] then
			local h = redis.call('HMGET', P .. ':user:' .. uid,
			    'nick', 'user', 'host')
			drop_user(uid)
			if h[1] then
				publish('QUIT ' .. uid, ':' .. h[1] .. '!' ..
				    h[2] .. '@' .. h[3] ..
				    ' QUIT :Quit during a netsplit')
			end
		end
	end
	local renamed = {}
	for _, u in ipairs(order) do
		local a, uid = u.a, u.uid
		-- a: 1 fold 2 nick 3 user 4 host 5 real 6 signon 7 umodes
		--    8 away 9 alt 10 altfold
		if redis.call('EXISTS', P .. ':user:' .. uid) == 0 then
			local cur = redis.call('GET', P .. ':nick:' .. a[1])
			if cur and cur ~= uid then
				a[2], a[1] = a[9], a[10]
				renamed[#renamed + 1] = uid
				renamed[#renamed + 1] = a[2]
			end
			user_add(uid, a[1], a[2], a[3], a[4], a[5], a[6], a[7],
			    a[8])
		end
		local prefix = a[2] .. '!' .. a[3] .. '@' .. a[4]
		local have = {}
		for _, f in ipairs(redis.call('SMEMBERS', P .. ':uchan:' ..
		    uid)) do
			have[f] = true
			if not u.chans[f] then
				local name = redis.call('HGET', P .. ':chan:' ..
				    f, 'name') or f
				unjoin(uid, f)
				publish('PART ' .. uid, ':' .. prefix ..
				    ' PART ' .. name .. ' :Left during a netsplit')
			end
		end
		for f, c in pairs(u.chans) do
			if not have[f] then
				join(uid, f, prefix, c[3], {c[2], c[4], c[5],
				    c[6], c[7], c[8], c[9], c[10]}, true)
			end
		end
	end
	return {1, renamed}
elseif op == 'snap' then
	-- Everything, with the sequence number it is as of: users as
	-- uid nick user host real node signon umodes away; channels as
	-- fold name created modes key limit topic who when, then counted
	-- lists: members (uid flags), b, e, I (mask "who when"), invited.
	local users, chans = {}, {}
	for _, n in ipairs(redis.call('ZRANGE', P .. ':nodes', 0, -1)) do
		for _, uid in ipairs(redis.call('SMEMBERS', P .. ':node:' ..
		    n .. ':users')) do
			local u = redis.call('HMGET', P .. ':user:' .. uid,
			    'nick', 'user', 'host', 'real', 'node', 'signon',
			    'umodes', 'away')
			if u[1] then
				users[#users + 1] = uid
				for j = 1, 8 do
					users[#users + 1] = u[j] or ''
				end
			end
		end
	end
	local function counted(t, list)
		t[#t + 1] = tostring(#list / 2)
		for _, x in ipairs(list) do
			t[#t + 1] = x
		end
	end
	for _, f in ipairs(redis.call('SMEMBERS', P .. ':chans')) do
		local ck = P .. ':chan:' .. f
		local c = redis.call('HMGET', ck, 'name', 'created', 'modes',
		    'key', 'limit', 'topic', 'twho', 'ttime')
		if c[1] then
			chans[#chans + 1] = f
			for j = 1, 8 do
				chans[#chans + 1] = c[j] or ''
			end
			counted(chans, redis.call('HGETALL', ck .. ':m'))
			counted(chans, redis.call('HGETALL', ck .. ':b'))
			counted(chans, redis.call('HGETALL', ck .. ':e'))
			counted(chans, redis.call('HGETALL', ck .. ':I'))
			counted(chans, redis.call('HGETALL', ck .. ':inv'))
		end
	end
	return {redis.call('GET', P .. ':seq') or '0', users, chans}
end
return redis.error_reply('natterd: unknown op ' .. tostring(op))
