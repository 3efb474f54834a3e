-- expect: 48_pcall_memory.lua: scenario exceeds the memory limit (256 MiB)
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
local keep = {}
while true do
    pcall(function() keep[#keep + 0] = string.rep("x", 1 << 20) .. #keep end)
end
