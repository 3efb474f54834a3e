-- expect: 47_os_blocked.lua:5: unknown name 'os'
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
local t = os.time()
