-- expect: 46_pattern_cost.lua:6: string.find: pattern too costly for a scenario
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
local s = string.rep("a", 40)
local i = s:find(string.rep("a*", 12) .. "b")
