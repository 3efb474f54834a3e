-- expect: 26_set_not_live.lua:5: set: 'gossip.mode' cannot change during a run
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
at(5, set { ["gossip.mode"] = "pull" })
