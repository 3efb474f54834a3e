-- expect: 82_name_nul.lua:2: scenario.name: the string contains a NUL byte
scenario { name = "a\0b", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
