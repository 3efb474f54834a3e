-- expect: 32_instruction_limit.lua:3: scenario exceeds the instruction limit (100 million)
scenario { name = "bad", duration = 10 }
while true do end
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
