-- local_cells.lua -- local cells that reach each other only through gateways; the uplink is cut.
--
-- What it shows: 10 cells of 50 nodes (a neighbourhood, a village mesh); each
-- cell is densely linked inside, and only its 5 gateway nodes link to the
-- gateways of the neighbouring cells (a ring uplink). At t = 8 s every uplink
-- is cut (partition by cells): each cell becomes an island. The rumor,
-- started in cell 0, stays inside the cells it had reached; at t = 25 s the
-- uplink returns and the rest of the network catches up. network.csv shows
-- 10 components during the cut; gossip.csv shows informed flat, then rising.
scenario { name = "local_cells", seed = 5, duration = 60, sample_every = 0.5 }
topology { kind = "cells", cells = 10, size = 50, gateways = 5, uplink = "ring" }
links    { latency = { dist = "normal", mean = 0.03, sd = 0.01 } }
gossip   { mode = "push-pull", fanout = 1, period = 1.0, stop = "never", origins = { 0 } }
at(8,  partition { by = "cells" })
at(25, heal {})
