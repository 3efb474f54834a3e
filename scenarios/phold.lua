-- phold.lua -- the PHOLD benchmark of parallel discrete-event simulators, as ROSS runs it.
--
-- What it shows: raw engine speed. 100,000 nodes each start with one event;
-- handling an event sends one more, to a random node with probability 0.25,
-- else to itself, after 0.1 s + Exp(0.9 s). Nothing else happens: summary.csv's
-- events_per_s is the event rate of the core (ROSS's own measure), and
-- phold.csv shows the handled and remote counts growing linearly. Try
-- --set topology.n=1000000, or --set phold.lookahead=1 for ROSS's default,
-- where every delay is exactly 1 s. `make bench` runs the full comparison.
scenario { name = "phold", seed = 1, duration = 20, sample_every = 1 }
topology { kind = "complete", n = 100000 }
phold    { population = 1, remote = 0.25, mean = 1.0, lookahead = 0.1 }
