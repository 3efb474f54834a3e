-- expect: 20_at_not_action.lua:5: at: expected an action such as fail{...} as argument 2, got table
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
at(5, { fail = 1 })
