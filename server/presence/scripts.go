package presence

import "github.com/redis/go-redis/v9"

// The Lua scripts of RedisStore. Each touches the keys of one session
// group (a session's record and its pseudonym reservation share a hash
// tag, so they are in one Cluster slot), or the meta keys (ids and epoch,
// tag {meta}). Session record fields:
//
//	d display  k key  a avatar  x y position (1/16 m; absent: none yet)
//	c hash of the current token  p hash of the previous ("" void)  pu until (unix ms)
//	g generation  n owning node  s state: a attached, d detached
//	w traits (role.colour.shape; absent in records of earlier builds: 0.0.0)
type scripts struct {
	create, resume, name, pos, put, end, evict, alloc, epoch *redis.Script
}

func newScripts() scripts {
	return scripts{
		// KEYS session, name; ARGV sid, node, avatar, display, key, token hash, traits.
		// Reserves the name (atomic: SET NX) and writes the record: 1, or 0
		// when the name is taken.
		create: redis.NewScript(`
if not redis.call('SET', KEYS[2], ARGV[1], 'NX') then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'd', ARGV[4], 'k', ARGV[5], 'a', ARGV[3], 'c', ARGV[6], 'p', '', 'pu', '0', 'g', '1', 'n', ARGV[2], 's', 'a', 'w', ARGV[7])
return 1`),
		// KEYS session; ARGV token hash, node, now ms, grace ms, new hash.
		// {0}: no such session; {1}: the token does not open it; {2, gen,
		// previous node, previous state, avatar, display, key, x, y, traits}: it is
		// attached here with a new generation and a rotated token, and no
		// longer expires.
		resume: redis.NewScript(`
local f = redis.call('HMGET', KEYS[1], 'c', 'p', 'pu', 'g', 'n', 's', 'a', 'd', 'k', 'x', 'y', 'w')
if not f[1] then return {0} end
local now = tonumber(ARGV[3])
if f[1] ~= ARGV[1] and not (f[2] == ARGV[1] and f[2] ~= '' and tonumber(f[3]) >= now) then return {1} end
local g = tonumber(f[4]) + 1
redis.call('HSET', KEYS[1], 'c', ARGV[5], 'p', ARGV[1], 'pu', tostring(now + tonumber(ARGV[4])), 'g', tostring(g), 'n', ARGV[2], 's', 'a')
redis.call('PERSIST', KEYS[1])
return {2, g, f[5], f[6], f[7], f[8], f[9], f[10] or '', f[11] or '', f[12] or ''}`),
		// KEYS name; ARGV sid. After a resume: the reservation no longer
		// expires (or is made again if it expired first).
		name: redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then redis.call('PERSIST', KEYS[1]) elseif not v then redis.call('SET', KEYS[1], ARGV[1]) else return 0 end
return 1`),
		// KEYS session; ARGV gen, x, y. 1 written; 0 another attachment
		// holds the session (taken over); -1 no record (lost: write it whole).
		pos: redis.NewScript(`
local g = redis.call('HGET', KEYS[1], 'g')
if not g then return -1 end
if g ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'x', ARGV[2], 'y', ARGV[3])
return 1`),
		// KEYS session, name; ARGV sid, node, gen, avatar, display, key,
		// hash, previous hash, previous until, state, x, y ("" none), ttl ms,
		// traits.
		// Writes the node's whole view of a session (a detach, a confirm,
		// a resume made while Redis was away, a record Redis lost), unless
		// a later attachment holds it: 0. 2: written, but the name had
		// been taken meanwhile; 1: written.
		put: redis.NewScript(`
local g = redis.call('HGET', KEYS[1], 'g')
if g and tonumber(g) > tonumber(ARGV[3]) then return 0 end
local r = 1
local v = redis.call('GET', KEYS[2])
if v and v ~= ARGV[1] then r = 2 elseif not v then redis.call('SET', KEYS[2], ARGV[1]) end
redis.call('HSET', KEYS[1], 'd', ARGV[5], 'k', ARGV[6], 'a', ARGV[4], 'c', ARGV[7], 'p', ARGV[8], 'pu', ARGV[9], 'g', ARGV[3], 'n', ARGV[2], 's', ARGV[10], 'w', ARGV[14])
if ARGV[11] ~= '' then redis.call('HSET', KEYS[1], 'x', ARGV[11], 'y', ARGV[12]) end
if ARGV[10] == 'a' then
  redis.call('PERSIST', KEYS[1])
  if r == 1 then redis.call('PERSIST', KEYS[2]) end
else
  redis.call('PEXPIRE', KEYS[1], ARGV[13])
  if r == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[13]) end
end
return r`),
		// KEYS session, name; ARGV gen, sid. The visit ended: both go,
		// unless a later attachment holds the session.
		end: redis.NewScript(`
local g = redis.call('HGET', KEYS[1], 'g')
if g and g ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
if redis.call('GET', KEYS[2]) == ARGV[2] then redis.call('DEL', KEYS[2]) end
return 1`),
		// KEYS session, name; ARGV node, ttl ms, sid. A dead node's session,
		// still attached to it, is detached: resumable for the window.
		evict: redis.NewScript(`
local f = redis.call('HMGET', KEYS[1], 'n', 's')
if f[1] ~= ARGV[1] or f[2] ~= 'a' then return 0 end
redis.call('HSET', KEYS[1], 's', 'd')
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
return 1`),
		// KEYS ids, epoch; ARGV block, epoch. The last id of a new block
		// of ids, or -1 when the epoch changed (Redis lost its data: the
		// node must restore first). Ids wrap before 2^32.
		alloc: redis.NewScript(`
if redis.call('GET', KEYS[2]) ~= ARGV[2] then return -1 end
local v = redis.call('INCRBY', KEYS[1], ARGV[1])
if v > 4294967295 then v = tonumber(ARGV[1]); redis.call('SET', KEYS[1], v) end
return v`),
		// KEYS ids, epoch; ARGV new epoch, floor. Raises the id counter to
		// floor (the highest id the node gave out: after a data loss no
		// block can repeat live ids of this node) and returns the epoch,
		// made with the new one when there is none.
		epoch: redis.NewScript(`
local v = tonumber(redis.call('GET', KEYS[1]) or '0')
if v < tonumber(ARGV[2]) then redis.call('SET', KEYS[1], ARGV[2]) end
local e = redis.call('GET', KEYS[2])
if e then return e end
redis.call('SET', KEYS[2], ARGV[1])
return ARGV[1]`),
	}
}

func (s scripts) all() []*redis.Script {
	return []*redis.Script{s.create, s.resume, s.name, s.pos, s.put, s.end, s.evict, s.alloc, s.epoch}
}
