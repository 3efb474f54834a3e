-- expect: 42_random_before_scenario.lua:2: math.random: call scenario{} (with its seed) first
local x = math.random(10)
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
