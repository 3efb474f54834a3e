-- caribbean.lua -- a hurricane cuts the Caribbean's island chain in two, then the links are repaired.
--
-- What it shows: a network of named places (topology kind "explicit"): twelve
-- islands at their approximate longitude (x) and latitude (y), and the links
-- between them with their length in km (`distance`) and a capacity in Gbit/s
-- (kept on the edge for models that use it; gossip does not). Latency is
-- 20 ms plus 5 microseconds per km of the link's own distance (light in
-- fibre). A relief request starts in Barbados and spreads from island to
-- island (synchronous push-pull gossip, one round a second). At t = 3 s, while
-- it is still in the Lesser Antilles, a hurricane takes out Puerto Rico and
-- the Dominican Republic -- the only bridge between the eastern and the
-- western islands -- so the Bahamas, Cuba, Jamaica and Haiti hear nothing
-- until both come back at t = 30 s. Selectors name the places, and so do
-- events.csv (`nodes=Dominican Republic|Puerto Rico`, in id order) and run.lua.
-- Look at gossip.csv (informed stops at 6 of the 10 islands up, then reaches
-- all 12 after the repair) and network.csv (components: 2 during the outage).
scenario { name = "caribbean", seed = 1492, duration = 45, sample_every = 1 }

topology { kind = "explicit",
  nodes = {
    { name = "Bahamas",             x = -77.3, y = 25.1 },   -- Nassau
    { name = "Cuba",                x = -82.4, y = 23.1 },   -- Havana
    { name = "Jamaica",             x = -76.8, y = 18.0 },   -- Kingston
    { name = "Haiti",               x = -72.3, y = 18.5 },   -- Port-au-Prince
    { name = "Dominican Republic",  x = -69.9, y = 18.5 },   -- Santo Domingo
    { name = "Puerto Rico",         x = -66.1, y = 18.5 },   -- San Juan
    { name = "US Virgin Islands",   x = -64.9, y = 18.3 },   -- Charlotte Amalie
    { name = "Antigua and Barbuda", x = -61.8, y = 17.1 },   -- St. John's
    { name = "Guadeloupe",          x = -61.5, y = 16.2 },   -- Pointe-a-Pitre
    { name = "Martinique",          x = -61.1, y = 14.6 },   -- Fort-de-France
    { name = "Barbados",            x = -59.6, y = 13.1 },   -- Bridgetown
    { name = "Trinidad and Tobago", x = -61.5, y = 10.7 },   -- Port of Spain
  },
  edges = {
    { "Bahamas", "Cuba", distance = 590, capacity = 40 },
    { "Cuba", "Jamaica", distance = 820, capacity = 40 },
    { "Cuba", "Haiti", distance = 1170, capacity = 10 },
    { "Jamaica", "Haiti", distance = 480, capacity = 40 },
    { "Haiti", "Dominican Republic", distance = 255, capacity = 100 },
    { "Dominican Republic", "Puerto Rico", distance = 400, capacity = 100 },
    { "Puerto Rico", "US Virgin Islands", distance = 130, capacity = 100 },
    { "US Virgin Islands", "Antigua and Barbuda", distance = 355, capacity = 40 },
    { "Antigua and Barbuda", "Guadeloupe", distance = 105, capacity = 40 },
    { "Guadeloupe", "Martinique", distance = 180, capacity = 40 },
    { "Martinique", "Barbados", distance = 230, capacity = 40 },
    { "Barbados", "Trinidad and Tobago", distance = 335, capacity = 100 },
    { "Martinique", "Trinidad and Tobago", distance = 440, capacity = 10 },
  },
}

links  { latency = { per_distance = 5e-6, base = 0.02 } }
gossip { mode = "push-pull", fanout = 1, period = 1, sync = true, stop = "never",
         origins = { "Barbados" } }

-- Landfall: the rumor is at most three hops from Barbados at t = 3, and
-- Puerto Rico is five away.
at(3,  fail    { nodes = { "Puerto Rico", "Dominican Republic" } })
at(30, recover { nodes = { "Puerto Rico", "Dominican Republic" } })
