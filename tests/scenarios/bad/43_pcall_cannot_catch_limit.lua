-- expect: 43_pcall_cannot_catch_limit.lua:6: scenario exceeds the instruction limit
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
-- a protected call does not reset the budget: the limit passes through pcall
while true do pcall(function() while true do end end) end
