-- expect: 22_fail_no_selector.lua:5: fail: say how many: fraction, count or nodes
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
at(5, fail {})
