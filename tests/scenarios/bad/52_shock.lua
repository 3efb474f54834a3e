-- expect: 52_shock.lua:5: shock: no model in this scenario accepts shocks
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
at(5, shock { nodes = { 1 }, supply = 3 })
