-- expect: 31_odd_k.lua:3: topology.k: must be even
scenario { name = "bad", duration = 10 }
topology { kind = "watts_strogatz", n = 100, k = 5, p = 0.1 }
gossip { mode = "push" }
