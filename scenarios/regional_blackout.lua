-- regional_blackout.lua -- a disaster takes out a region of a geographic network, then power returns.
--
-- What it shows: 5,000 nodes scattered in the unit square, linked when closer
-- than 0.03 (a random geometric graph, mean degree about 14); link latency
-- grows with distance (5 ms + 1 s per unit). At t = 3 s every node within
-- 0.2 of the centre fails (a hurricane's footprint); the rumor, which started
-- at a random node, has to route around the hole. At t = 25 s the region
-- recovers and the rejoining nodes learn the rumor from their neighbours.
-- Look at network.csv (alive, giant) and gossip.csv (informed dips when the
-- region fails and climbs back after the recovery).
scenario { name = "regional_blackout", seed = 11, duration = 45, sample_every = 0.5 }
topology { kind = "geometric", n = 5000, radius = 0.03 }
links    { latency = { per_distance = 1.0, base = 0.005 } }
gossip   { mode = "push-pull", fanout = 1, period = 1.0, stop = "never" }
at(3,  fail    { target = "region", region = { x = 0.5, y = 0.5, r = 0.2 } })
at(25, recover { target = "region", region = { x = 0.5, y = 0.5, r = 0.2 } })
