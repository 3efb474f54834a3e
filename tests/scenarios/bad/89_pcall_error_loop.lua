-- expect: 89_pcall_error_loop.lua:5: scenario exceeds the instruction limit (100 million)
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
while true do pcall(function() return no_such_name end) end
