-- expect: 94_table_move_range.lua:5: scenario exceeds the instruction limit (100 million)
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
local t = {} for i = 1, 1e9 do table.move(t, 1, 1e12, 1) end
