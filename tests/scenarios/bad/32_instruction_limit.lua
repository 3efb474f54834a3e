-- expect: 32_instruction_limit.lua: scenario exceeds the instruction limit
scenario { name = "bad", duration = 10 }
while true do end
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
