-- expect: 02_wrong_type.lua:4: gossip.fanout: expected integer, got string
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { fanout = "two" }
