-- expect: shock_gossip_only.lua:5: shock.capacity: no model in this scenario uses it
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip {}
at(1, shock { fraction = 0.1, capacity = -2 })
