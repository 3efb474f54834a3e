-- expect: 44_xpcall_handler_loop.lua:5: scenario exceeds the instruction limit
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
xpcall(function() while true do end end, function(m) while true do end end)
