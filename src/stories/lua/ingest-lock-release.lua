-- Release the ingest lock only if this run still holds it (its token).
-- KEYS[1] ingest lock (string: holder's token)
-- ARGV[1] token
-- Returns 1 when released, 0 when another run holds it or it expired.
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end
