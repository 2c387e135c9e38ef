-- Claim one ledger entry (ledger-claim-step): the send that wins it is the only one.
-- KEYS[1] ledger hash
-- KEYS[2] ledger meta hash
-- ARGV[1] subscriber id
-- ARGV[2] now (ISO), written as finishedAt if this finishes the edition
-- Returns {'claimed', 0}, {'became-unknown', finished 1/0}, or {state, 0} for an entry
-- already final.
--@include ledger-complete
--@include ledger-claim-step
return claimStep(function() return {'claimed', 0} end)
