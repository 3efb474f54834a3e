-- expect: 90_at_loop_memory.lua: scenario exceeds the memory limit (256 MiB)
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
for i = 1, 2e7 do at(1, heal {}) end
