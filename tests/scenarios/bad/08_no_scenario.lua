-- expect: 08_no_scenario.lua: no scenario{} block
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
