-- partition_heal.lua -- what a partition loses in "drop" mode and what "queue" mode keeps.
--
-- What it shows: 2,000 nodes on a random graph (mean degree 8). Half of the network
-- (nodes 1000..1999) is cut off at t = 0.5 s, before the rumor, which starts
-- at node 0, can reach it; the cut heals at t = 20 s. A node pushes to 4
-- neighbours a round and stops at the first contact that already knew
-- (feedback-counter, k = 1), so the rumor dies out on its own in ~15 rounds.
--   mode = "drop":   every message sent across the cut is lost; the rumor has
--                   died out by the heal, so the far half never learns it
--                   (informed stays near 820, residue near 0.59 in summary.csv,
--                   ~2,000 messages lost in the stdout summary).
--   mode = "queue": messages across the cut are held and delivered at the
--                   heal; nothing is lost, the far half learns the rumor
--                   after t = 20 (gossip.csv: informed jumps from ~820 to
--                   ~1,970; residue near 0.015).
-- The mode is a scenario parameter: compare the two without editing the file,
--   build/mycosim run scenarios/partition_heal.lua --set param.mode=queue
-- or both with replicates and a figure of their mean curves with bands:
--   build/mycosim sweep scenarios/partition_heal.lua --vary param.mode=drop,queue --reps 5 --jobs 2
param { mode = "drop" }

local far = {}
for i = 1000, 1999 do far[#far + 1] = i end

scenario { name = "partition_heal_" .. param.mode, seed = 7, duration = 40, sample_every = 0.5 }
topology { kind = "erdos_renyi", n = 2000, degree = 8 }
links    { latency = { dist = "exponential", mean = 0.02 } }
gossip   { mode = "push", fanout = 4, period = 1.0, sync = true, stop = "feedback-counter", k = 1,
           origins = { 0 } }
at(0.5, partition { nodes = far, mode = param.mode })
at(20, heal {})
