-- gradient_vs_optimum.lua -- does the local rule get resources to need as well as the optimum?
--
-- The claim under test: "in a mycelial network resources flow to need by
-- themselves" -- a local rule, each link carrying (excess_a - excess_b) /
-- resistance, with no global view (flow.solver = "gradient"). Against it:
-- the optimum (min-cost flow, "simplex"; "glpk" gives the same cost) and a
-- greedy rule (each deficit takes from its nearest surplus in turn).
--
-- 10,000 places on a random geometric graph (unit square, radius 0.02:
-- about 12 neighbours each), one resource, supplies and demands drawn per
-- place; link capacity binds. Each day (one second) the solvers plan; at
-- day 3 a disaster doubles the needs of a region (shock with a region
-- selector), for 4 days; at day 5 a tenth of the places fail.
--
--   build/mycosim run scenarios/gradient_vs_optimum.lua --set 'flow.solver="gradient"'
--   build/mycosim sweep scenarios/gradient_vs_optimum.lua \
--       --vary 'flow.solver="simplex","greedy","gradient"' --reps 3 --jobs 2
--
-- Compare in sweep_stats.csv (or each run's summary.csv): unmet_total (how
-- much need was left), cost_total (the objective: transport plus penalty
-- x unmet) and t95_max (how fast the region's extra need was met).
scenario { name = "gradient_vs_optimum", seed = 7, duration = 10, sample_every = 1 }
topology { kind = "geometric", n = 10000, radius = 0.02 }
links { latency = { dist = "constant", value = 0.001 } }
flow {
  resources = { "food" },
  supply = { food = { dist = "exponential", mean = 10 } },
  demand = { food = { dist = "exponential", mean = 9 } },
  capacity = 8, friction = 100, penalty = 50,
  solver = "simplex",
}
at(3, shock { target = "region", region = { x = 0.3, y = 0.3, r = 0.1 }, fraction = 1,
              resource = "food", demand = 10, duration = 4 })
at(5, fail { fraction = 0.1 })
