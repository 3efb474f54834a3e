-- quickstart.lua -- the `make run` default: a rumor on a 10,000-node scale-free network.
--
-- What it shows: push-pull gossip (Demers et al. 1987) with fanout 1 and the
-- feedback-counter stop rule (a node stops spreading after k = 2 contacts
-- that already knew) on a Barabasi-Albert graph, with lognormal link latency
-- (median 50 ms) and 1% message loss. At t = 5 s, while the rumor is still
-- spreading, the network splits into two random halves (half of all links
-- cut); at t = 25 s it heals. Messages across the split are lost, so the
-- rumor leaves ~14% of the nodes uninformed (residue in summary.csv), against
-- ~1% without the split (try --set with the at() lines removed). Look at:
--   results/quickstart/gossip.csv   informed / infective nodes and messages over time
--   results/quickstart/network.csv  components and giant component before, during, after the split
--   results/quickstart/events.csv   the partition (links cut) and the heal
--   results/quickstart/gossip.png   the same as plots
scenario { name = "quickstart", seed = 1, duration = 60, sample_every = 1 }
topology { kind = "barabasi_albert", n = 10000, m = 3 }
links    { latency = { dist = "lognormal", median = 0.05, sigma = 0.5 }, loss = 0.01 }
gossip   { mode = "push-pull", fanout = 1, period = 1.0, stop = "feedback-counter", k = 2 }
at(5, partition { groups = 2, by = "random" })
at(25, heal {})
