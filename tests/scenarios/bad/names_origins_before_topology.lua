-- expect: names_origins_before_topology.lua:3: gossip.origins: "Haiti": node names need topology{kind = "explicit"} before this line
scenario { name = "bad", duration = 10 }
gossip { origins = { "Haiti" } }
topology { kind = "explicit", nodes = { "Cuba", "Haiti" } }
