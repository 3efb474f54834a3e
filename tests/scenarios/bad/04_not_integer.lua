-- expect: 04_not_integer.lua:4: gossip.fanout: expected integer, got 2.5
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { fanout = 2.5 }
