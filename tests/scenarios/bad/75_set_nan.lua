-- expect: 75_set_nan.lua:5: links.loss: expected a finite number, got nan
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
at(1, set { ["links.loss"] = 0/0 })
