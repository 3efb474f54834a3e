-- expect: 92_concat_loop.lua:7: scenario exceeds the instruction limit (100 million)
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
local keep = {}
while true do
    pcall(function() keep[2] = string.rep("x", 1 << 20) .. #keep end)
end
