-- expect: 41_bad_name.lua:2: scenario.name: must be a plain folder name
scenario { name = "../etc", duration = 5 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
