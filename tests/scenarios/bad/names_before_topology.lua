-- expect: names_before_topology.lua:3: fail.nodes: "Cuba": node names need topology{kind = "explicit"} before this line
scenario { name = "bad", duration = 10 }
local f = fail { nodes = { "Cuba" } }
topology { kind = "explicit", nodes = { "Cuba", "Haiti" } }
gossip { mode = "push" }
at(1, f)
