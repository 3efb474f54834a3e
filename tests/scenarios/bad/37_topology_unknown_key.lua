-- expect: 37_topology_unknown_key.lua:3: topology.m: unknown key
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 20, m = 3 }
gossip { mode = "push" }
