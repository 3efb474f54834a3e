-- expect: 03_int_range.lua:4: gossip.fanout: must be in [1, 1024], got 0
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { fanout = 0 }
