-- hurricane.lua -- a hurricane hits Puerto Rico: do supplies flow to need from several places?
--
-- For students. One simulated second is one day; quantities are units a day.
-- Places are real (longitude x, latitude y); links carry a length in km and
-- a capacity in units a day. Every day the flow model solves, for each of
-- four resources, the cheapest way to move what places have spare to
-- where it is missing (cost = km x friction; a unit left missing costs the
-- penalty), and ships it along the links.
--
-- The story:
--   day 2   the hurricane hits Puerto Rico: it suddenly needs medical 1000,
--           food 5000, water 10000 and power 2000 units a day (shock{});
--           Florida has medical to spare (+200), Cuba food (+3000), the
--           Dominican Republic water (+8000), Texas power (+500), Mexico a
--           little of each; the other islands get by on their own;
--   day 8   the Dominican Republic's links go down (a capacity shock of
--           -1e12 on its links) for 6 days: its water cannot leave
--           (param.cut_at; Cuba's food is param.cuba_food);
--   day 14  the route is repaired;
--   day 16  the emergency eases: the first shock ends and a smaller one
--           (a quarter of the needs) runs until day 24; then Puerto Rico is
--           back to normal and the flows fade.
--
--   build/mycosim run scenarios/hurricane.lua
--   build/mycosim run scenarios/hurricane.lua --set 'flow.solver="gradient"'   # the local rule
--   build/mycosim run scenarios/hurricane.lua --set param.cut_at=4         # cut off earlier
--   build/mycosim run scenarios/hurricane.lua --set param.cuba_food=1500   # half Cuba's food
--
-- A step-by-step tutorial on this scenario: doc/students.md.
--
-- Look at flow.csv (one row per day and resource: met, unmet, cost, flows,
-- sources_per_deficit) and flows.csv (who sends what to whom each day, by
-- place name), flow_map.png (the busiest day on the map; --set flow.map_at=9
-- for a day of the cut), and events.csv for the shocks. What this run shows (seed
-- 2017; the model is deterministic here): on day 3 water to Puerto Rico
-- comes from the Dominican Republic (8000) and Mexico (1000, by Cuba and
-- Haiti): met 9000 of 10000, 2 sources; from day 8 to 13 the Dominican
-- Republic is cut off and only Mexico's 1000 arrives, rerouted over Florida's
-- air bridge (unmet 9000); on day 14 it is back to 9000; medical comes from
-- Florida (200, direct) and Mexico (50, over four hops) at once, 750 a day
-- missing; from day 16 the smaller needs are all met, and from day 24 there
-- are no flows. The summary's unmet_total is 118,700 unit-days. With
-- param.cut_at=4 it is the same 118,700 (each day is solved alone, and the
-- 6 cut-off days still fall in the emergency); cut_at=12, 100,100;
-- param.cuba_food=1500, 130,700; solver "gradient", 127,954.016.
scenario { name = "hurricane", seed = 2017, duration = 30, sample_every = 1 }

-- Two knobs for doc/students.md: the day the Dominican Republic is cut off
-- (--set param.cut_at=4) and Cuba's spare food a day (--set param.cuba_food=1500).
param { cut_at = 8, cuba_food = 3000 }

topology { kind = "explicit",
  nodes = {
    { name = "Florida",            x = -80.2, y = 25.8 },   -- Miami
    { name = "Texas",              x = -95.4, y = 29.8 },   -- Houston
    { name = "Mexico",             x = -86.8, y = 21.2 },   -- Cancun
    { name = "Bahamas",            x = -77.3, y = 25.1 },   -- Nassau
    { name = "Cuba",               x = -82.4, y = 23.1 },   -- Havana
    { name = "Jamaica",            x = -76.8, y = 18.0 },   -- Kingston
    { name = "Haiti",              x = -72.3, y = 18.5 },   -- Port-au-Prince
    { name = "Dominican Republic", x = -69.9, y = 18.5 },   -- Santo Domingo
    { name = "Puerto Rico",        x = -66.1, y = 18.5 },   -- San Juan
    { name = "US Virgin Islands",  x = -64.9, y = 18.3 },   -- Charlotte Amalie
  },
  edges = {
    { "Texas", "Florida", distance = 1550, capacity = 3000 },
    { "Texas", "Mexico", distance = 1300, capacity = 2000 },
    { "Florida", "Bahamas", distance = 300, capacity = 3000 },
    { "Florida", "Cuba", distance = 370, capacity = 3000 },
    { "Florida", "Puerto Rico", distance = 1660, capacity = 1500 },   -- air bridge
    { "Mexico", "Cuba", distance = 520, capacity = 2000 },
    { "Bahamas", "Cuba", distance = 590, capacity = 2000 },
    { "Cuba", "Jamaica", distance = 820, capacity = 2000 },
    { "Cuba", "Haiti", distance = 1170, capacity = 1000 },
    { "Jamaica", "Haiti", distance = 480, capacity = 2000 },
    { "Haiti", "Dominican Republic", distance = 255, capacity = 6000 },
    { "Dominican Republic", "Puerto Rico", distance = 400, capacity = 12000 },
    { "Puerto Rico", "US Virgin Islands", distance = 130, capacity = 3000 },
  },
}

links { latency = { per_distance = 2e-5, base = 0.01 } }   -- a ship or plane: well under a day

flow {
  resources = { "medical", "food", "water", "power" },
  supply = {
    medical = { Florida = 200, Mexico = 50 },
    food    = { Cuba = param.cuba_food, Mexico = 800, Florida = 500 },
    water   = { ["Dominican Republic"] = 8000, Mexico = 1000 },
    power   = { Texas = 500, Mexico = 100 },
  },
  friction = 1, penalty = 10000, period = 1,
}

-- The hurricane: Puerto Rico's needs, then a quarter of them while it recovers.
at(2, shock { nodes = { "Puerto Rico" }, resource = "medical", demand = 1000, duration = 14 })
at(2, shock { nodes = { "Puerto Rico" }, resource = "food", demand = 5000, duration = 14 })
at(2, shock { nodes = { "Puerto Rico" }, resource = "water", demand = 10000, duration = 14 })
at(2, shock { nodes = { "Puerto Rico" }, resource = "power", demand = 2000, duration = 14 })
at(16, shock { nodes = { "Puerto Rico" }, resource = "medical", demand = 250, duration = 8 })
at(16, shock { nodes = { "Puerto Rico" }, resource = "food", demand = 1250, duration = 8 })
at(16, shock { nodes = { "Puerto Rico" }, resource = "water", demand = 2500, duration = 8 })
at(16, shock { nodes = { "Puerto Rico" }, resource = "power", demand = 500, duration = 8 })

-- The route from the Dominican Republic is cut, then repaired.
at(param.cut_at, shock { nodes = { "Dominican Republic" }, capacity = -1e12, duration = 6 })
