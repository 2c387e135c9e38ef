-- Include: defines guard(K, A), the whole signup check: the IP window (refused: nothing else
-- counts), then the address window, then whether the address is suppressed. Fixed windows:
-- the first hit starts a window, hits past the limit are refused until the key expires.
-- Expects in scope: nothing. K, A are the guard's own keys and args:
-- K[1] IP counter, K[2] address counter, K[3] suppression set
-- A[1] IP limit, A[2] IP window (s), A[3] address limit, A[4] address window (s),
-- A[5] address hash
-- guard() returns nil when the signup may go on, else {ms left for the IP or 0, address
-- allowed 1/0, suppressed 1/0}.
local function guard(K, A)
  local n = redis.call('INCR', K[1])
  if n == 1 or redis.call('PTTL', K[1]) < 0 then redis.call('EXPIRE', K[1], tonumber(A[2])) end
  if n > tonumber(A[1]) then return {math.max(redis.call('PTTL', K[1]), 1), 0, 0} end
  local a = redis.call('INCR', K[2])
  if a == 1 or redis.call('PTTL', K[2]) < 0 then redis.call('EXPIRE', K[2], tonumber(A[4])) end
  local allowed = 0
  if a <= tonumber(A[3]) then allowed = 1 end
  local suppressed = redis.call('SISMEMBER', K[3], A[5])
  if allowed == 1 and suppressed == 0 then return nil end
  return {0, allowed, suppressed}
end
