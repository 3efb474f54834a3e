-- expect: 09_no_topology.lua: no topology{} block
scenario { name = "bad", duration = 10 }
gossip { mode = "push" }
