-- expect: shock_without_values.lua:5: shock: give at least one of supply, demand, capacity
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
credit {}
at(1, shock { nodes = { 3 }, duration = 2 })
