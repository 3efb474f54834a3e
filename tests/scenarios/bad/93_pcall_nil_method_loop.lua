-- expect: 93_pcall_nil_method_loop.lua:5: scenario exceeds the instruction limit (100 million)
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
while true do pcall(function() return string.f:rep(3) end) end
