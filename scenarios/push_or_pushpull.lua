-- push_or_pushpull.lua -- a question answered with a sweep: does push-pull reach 99% sooner than push
-- when a fifth of the nodes fail early on?
--
-- What it shows: the way from a question to a figure (doc/scenarios.md,
-- "From a question to a figure"). 10,000 nodes on a small world
-- (Watts-Strogatz ring lattice, 5 neighbours each side, 10% rewired); one
-- origin; every node gossips once a second at its own phase. At
-- param.fail_at a fraction param.fraction of the nodes fail at random.
-- gossip's summary has t_50, t_90 and t_99 (the first time that share of
-- the live nodes knew); the first_time() below adds t_half_all, the first
-- sample at which half of ALL nodes (failed ones included) knew, and
-- report() adds the informed share of the live nodes to report.csv. One run
-- (seed 1): push-pull reaches 99% of the live nodes at t = 13.6, push at 23.4.
--   build/mycosim run scenarios/push_or_pushpull.lua                 # one run, push-pull
--   build/mycosim sweep scenarios/push_or_pushpull.lua --vary gossip.mode=push,push-pull \
--       --reps 10 --jobs 2                                            # the answer, with 95% CIs
--   build/mycosim sweep scenarios/push_or_pushpull.lua --vary gossip.mode=push,push-pull \
--       --vary param.fraction=0.1,0.2,0.4 --reps 10 --jobs 2            # and how it depends on failures
param { fraction = 0.2, fail_at = 5 }

scenario { name = "push_or_pushpull", seed = 1, duration = 60, sample_every = 0.5 }
topology { kind = "watts_strogatz", n = 10000, k = 10, p = 0.1 }
links    { latency = { dist = "lognormal", median = 0.05, sigma = 0.5 } }
gossip   { mode = "push-pull", fanout = 1, period = 1.0, stop = "never" }

at(param.fail_at, fail { fraction = param.fraction })

report("share_alive", function(sim) return sim.metric("gossip.informed") / sim.metric("gossip.alive") end)
first_time("t_half_all", function(sim) return sim.metric("gossip.informed") >= 5000 end)
