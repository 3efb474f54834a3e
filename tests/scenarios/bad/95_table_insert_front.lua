-- expect: 95_table_insert_front.lua:5: scenario exceeds the instruction limit (100 million)
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
local t = {} for i = 1, 1e6 do table.insert(t, 1, i) end
