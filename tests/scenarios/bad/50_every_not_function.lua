-- expect: 50_every_not_function.lua:5: every: expected a function as argument 2, got number
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
every(1, 42)
