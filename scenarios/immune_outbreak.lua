-- immune_outbreak.lua -- 2,000 bad actors in 100,000 nodes: do quorum panels
-- stop them without quarantining the healthy?
--
-- For researchers (doc/researchers.md walks through it). Every node sends
-- one output a second to a random neighbour; a bad actor's outputs are bad
-- half of the time. 30% of the nodes are sentinels: each inspects a fifth
-- of the outputs it sees (its own and its neighbours') and flags the
-- sender with probability 0.9 for a bad output and 0.05 for a good one (a
-- deliberately noisy detector). A flag convenes a panel of the nearest
-- sentinels; `quorum` guilty votes confirm; each confirmation climbs the
-- ladder warned -> limited -> suspended (60 s) -> expelled, and 10 quiet
-- minutes climb it down. Compare one judge (panel 1 of 1) with a quorum
-- (3 of 5):
--
--   build/mycosim run scenarios/immune_outbreak.lua                                  # 3 of 5
--   build/mycosim run scenarios/immune_outbreak.lua --set immune.panel=1 --set immune.quorum=1 \
--       --out results/immune_outbreak-1of1
--   build/mycosim sweep scenarios/immune_outbreak.lua --vary immune.quorum=1,2,3,4,5 --reps 5 --jobs 2 \
--       --set topology.n=20000          # the claim, with confidence intervals (doc/researchers.md)
--
-- What it shows (seed 42, 600 s): with a panel of 1, 91% of the bad actors
-- are isolated, after 65 s on average, but 2.1% of the healthy nodes are
-- isolated too (each false alarm is a conviction, and three in ten minutes
-- suspend a node); with 3 of 5, 86% are, no healthy node is, and isolation
-- takes three times as long (199 s: a panel needs five outputs of the
-- suspect and three guilty votes), so twice as many bad outputs get
-- through (damage 235,711 against 113,194).
-- Read immune.csv (bad_active falls, good_isolated stays 0) and immune.png.
-- Detection stops short of 100%: a bad actor with no sentinel among its
-- neighbours is never seen (about e^(-8 x 0.3) = 9.1% of them here).
scenario { name = "immune_outbreak", seed = 42, duration = 600, sample_every = 10 }
topology { kind = "erdos_renyi", n = 100000, degree = 8 }
links    { latency = { dist = "lognormal", median = 0.05, sigma = 0.5 }, loss = 0.01 }
immune   {
  bad = 0.02, bad_rate = 0.5, activity = 1,
  sentinels = 0.3, sample_rate = 0.2, detect = 0.9, false_alarm = 0.05,
  panel = 5, quorum = 3, window = 5,
  limit_factor = 0.5, suspend_time = 60, redeem_time = 600,
}
