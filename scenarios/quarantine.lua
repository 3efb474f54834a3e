-- quarantine.lua -- quarantining a region by hand, then letting it back.
--
-- What it shows: the same geographic network as regional_blackout.lua, but
-- the region is not destroyed: at t = 4 s every node within 0.2 of the
-- centre is suspended (isolate{}), as a health authority or an immune
-- system would do. Suspended nodes stay up and keep trying - every message
-- they send or that is sent to them is blocked and counted in network.csv's
-- `blocked` column - so the rumor has to go around the quarantined disc
-- (612 nodes) and cannot enter it: by t = 29.5 s it has reached 2,850
-- nodes, none inside. At t = 30 s release{} lifts the quarantine; the
-- region catches up (4,973 informed at 45 s, all 5,000 by 60 s). Compare
-- with regional_blackout.lua: there the region's nodes are down (alive
-- drops); here alive stays at 5,000 while components jumps from 1 to 613,
-- one per quarantined node plus the rest, and back to 1 at the release.
scenario { name = "quarantine", seed = 11, duration = 60, sample_every = 0.5 }
topology { kind = "geometric", n = 5000, radius = 0.03 }
links    { latency = { per_distance = 1.0, base = 0.005 } }
gossip   { mode = "push-pull", fanout = 1, period = 1.0, stop = "never", origins = 1 }
at(4,  isolate { target = "region", region = { x = 0.5, y = 0.5, r = 0.2 }, level = "suspended" })
at(30, release { target = "region", region = { x = 0.5, y = 0.5, r = 0.2 } })
