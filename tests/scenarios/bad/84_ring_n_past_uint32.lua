-- expect: 84_ring_n_past_uint32.lua:3: topology.n: must be in [3, 1e+08], got 1e+10
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 1e10 }
gossip { mode = "push" }
