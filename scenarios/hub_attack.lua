-- hub_attack.lua -- random failure versus a targeted attack on the hubs of a scale-free net.
--
-- What it shows: Barabasi-Albert networks survive random failures but break
-- when their highest-degree nodes are removed (Albert, Jeong, Barabasi 2000).
-- At t = 0 the attack removes 5% of the nodes, all at once, chosen by
-- target; a rumor then spreads from one surviving node.
--   target = "degree": the 500 hubs go; network.csv shows the giant component
--                      falling to 89% of all nodes and the live graph breaking
--                      into ~460 components; the rumor misses the fragments
--                      (residue ~6% in summary.csv).
--   target = "random": 500 random nodes go; the giant component keeps ~95% of
--                      all nodes (~13 components) and the rumor reaches all
--                      but ~0.1% of the survivors.
-- The target is a scenario parameter: compare without editing the file,
--   build/mycosim run scenarios/hub_attack.lua --set param.target=random
--   build/mycosim sweep scenarios/hub_attack.lua --vary param.target=degree,random --reps 5 --jobs 2
param { target = "degree" }

scenario { name = "hub_attack_" .. param.target, seed = 3, duration = 40, sample_every = 1 }
topology { kind = "barabasi_albert", n = 10000, m = 2 }
links    { latency = { dist = "uniform", min = 0.01, max = 0.1 } }
gossip   { mode = "push-pull", fanout = 1, period = 1.0, stop = "never" }
at(0, fail { target = param.target, fraction = 0.05 })
