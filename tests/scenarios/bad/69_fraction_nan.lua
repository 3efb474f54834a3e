-- expect: 69_fraction_nan.lua:5: fail.fraction: expected a finite number, got nan
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
at(1, fail { fraction = 0/0 })
