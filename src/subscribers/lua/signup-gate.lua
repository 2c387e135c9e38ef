-- The signup guard on its own, for a submission that creates nothing (it still counts).
-- KEYS[1] IP counter
-- KEYS[2] address counter
-- KEYS[3] suppression set
-- ARGV[1] IP limit, ARGV[2] IP window (s), ARGV[3] address limit, ARGV[4] address window
-- (s), ARGV[5] address hash
-- Returns {ms left for the IP or 0, address allowed 1/0, suppressed 1/0}.
--@include signup-guard
return guard(KEYS, ARGV) or {0, 1, 0}
