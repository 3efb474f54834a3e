-- partition_heal.lua -- what a partition loses in "drop" mode and what "queue" mode keeps.
--
-- What it shows: 2,000 nodes on a ring-like small world. Half of the network
-- (nodes 1000..1999) is cut off at t = 0.5 s, before the rumor, which starts
-- at node 0, can reach it; the cut heals at t = 20 s. Nodes stop spreading
-- by the blind-coin rule (each contact, with probability 1/k), so the rumor
-- dies out on its own within a few rounds.
--   MODE = "drop":  every message sent across the cut is lost; the rumor has
--                   died out by the heal, so the far half stays uninformed
--                   (residue near 0.5 in summary.csv; "lost" in the stdout summary).
--   MODE = "queue": messages across the cut are held and delivered at the
--                   heal; nothing is lost and the far half learns the rumor
--                   after t = 20 (gossip.csv: informed jumps after the heal).
-- Change MODE below and run again to compare:
--   make run SCENARIO=scenarios/partition_heal.lua
local MODE = "drop"

local far = {}
for i = 1000, 1999 do far[#far + 1] = i end

scenario { name = "partition_heal_" .. MODE, seed = 7, duration = 40, sample_every = 0.5 }
topology { kind = "watts_strogatz", n = 2000, k = 6, p = 0.05 }
links    { latency = { dist = "exponential", mean = 0.02 } }
gossip   { mode = "push", fanout = 2, period = 1.0, sync = true, stop = "blind-coin", k = 4,
           origins = { 0 } }
at(0.5, partition { nodes = far, mode = MODE })
at(20, heal {})
