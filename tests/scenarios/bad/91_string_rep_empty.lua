-- expect: 91_string_rep_empty.lua:5: scenario exceeds the instruction limit (100 million)
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
local x = string.rep("", 1e12)
