-- expect: 07_missing_required.lua:3: topology.n: required
scenario { name = "bad", duration = 10 }
topology { kind = "ring" }
gossip { mode = "push" }
