-- expect: 33_memory_limit.lua: scenario exceeds the memory limit
scenario { name = "bad", duration = 10 }
local s = "x" for i = 1, 40 do s = s .. s end
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
