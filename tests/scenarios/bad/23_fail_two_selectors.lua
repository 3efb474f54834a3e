-- expect: 23_fail_two_selectors.lua:5: fail: give only one of fraction, count, nodes
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
at(5, fail { fraction = 0.1, count = 3 })
