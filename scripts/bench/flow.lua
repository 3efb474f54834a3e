-- flow.lua -- the flow model's benchmark (make bench): 100,000 places on a
-- random geometric graph (about 10 neighbours each), two resources, a
-- binding capacity; each period a warm re-solve of the min-cost flow per
-- resource after a regional shock changes the needs.
scenario { name = "bench-flow", seed = 3, duration = 6, sample_every = 1 }
topology { kind = "geometric", n = 100000, radius = 0.0057 }
links { latency = { dist = "constant", value = 0.001 } }
flow {
  resources = { "food", "water" },
  supply = { food = { dist = "exponential", mean = 10 }, water = { dist = "exponential", mean = 8 } },
  demand = { food = { dist = "exponential", mean = 9 }, water = { dist = "exponential", mean = 8 } },
  capacity = 8, friction = 100, penalty = 50, flows_limit = 0,
}
at(1.5, shock { target = "region", region = { x = 0.5, y = 0.5, r = 0.1 }, fraction = 1,
                resource = "food", demand = 10, duration = 2 })
at(2.5, shock { target = "region", region = { x = 0.3, y = 0.7, r = 0.1 }, fraction = 1,
                resource = "water", demand = 10, duration = 2 })
