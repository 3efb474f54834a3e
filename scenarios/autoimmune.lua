-- autoimmune.lua -- compromised sentinels attack the healthy; do audits stop them?
--
-- For researchers. A fifth of 20,000 nodes are bad actors, and here
-- (bad_sentinels = true) they can be sentinels too: 30% of all nodes are
-- sentinels, so about one sentinel in five is compromised. A compromised
-- sentinel flags healthy senders as if their outputs were bad, never flags
-- a bad one, and on a panel votes guilty for a healthy suspect and not
-- guilty for a bad one (the autoimmune attack). A panel still needs 3 of 5
-- guilty votes, so an attack succeeds only where honest members err too or
-- compromised ones crowd a panel. Every minute an audit re-examines the
-- minute's confirmations (5 auditors, each right 90% of the time, majority
-- wins), reverts those it overturns and demotes any sentinel with more
-- than two overturned guilty votes.
--
--   build/mycosim run scenarios/autoimmune.lua                                   # with audits
--   build/mycosim run scenarios/autoimmune.lua --set immune.audit_every=0 --out results/autoimmune-noaudit
--   build/mycosim sweep scenarios/autoimmune.lua --vary immune.audit_every=0,60 --reps 5 --jobs 2
--
-- What it shows (seed 7, 20 minutes): without audits the attack works:
-- 3.3% of the healthy nodes are isolated at some point (342 of them at the
-- end), panels are flooded (1.18 million flags, 646,753 panels), and only
-- 74% of the bad actors are isolated, later (376 s on average). With
-- audits every minute, 1,847 confirmations are overturned and 820
-- sentinels demoted (most of the compromised ones, and some honest ones
-- that erred twice too often); healthy isolation falls to 1.06% (none at
-- the end), detection rises to 82% (306 s), and 17% fewer bad outputs get
-- through (damage 826,643 against 998,455). The audit layer does not
-- prevent the attack; it repairs it after the fact, one audit at a time.
scenario { name = "autoimmune", seed = 7, duration = 1200, sample_every = 20 }
topology { kind = "erdos_renyi", n = 20000, degree = 8 }
links    { latency = { dist = "lognormal", median = 0.05, sigma = 0.5 }, loss = 0.01 }
immune   {
  bad = 0.2, bad_rate = 0.5, bad_sentinels = true, activity = 1,
  sentinels = 0.3, sample_rate = 0.2, detect = 0.9, false_alarm = 0.02,
  panel = 5, quorum = 3, window = 5,
  limit_factor = 0.5, suspend_time = 60, redeem_time = 600,
  audit_every = 60, auditors = 5, audit_accuracy = 0.9, demote_after = 2,
}
