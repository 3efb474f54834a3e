-- expect: 49_load_blocked.lua:2: unknown name 'load'
local f = load("return 1")
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
