-- expect: 34_io_blocked.lua:2: unknown name 'io'
io.open("/etc/passwd")
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
