-- expect: 05_open_min.lua:4: gossip.period: must be in (0, 1e+09], got 0
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { period = 0 }
