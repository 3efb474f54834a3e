-- expect: 38_dofile_blocked.lua:2: unknown name 'dofile'
dofile("x.lua")
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
