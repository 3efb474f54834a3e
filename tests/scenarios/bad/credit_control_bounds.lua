-- expect: credit_control_bounds.lua:4: credit.control: min (0.01) is above max (0.001)
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
credit { lambda = 0.001, control = { target = 100, min = 0.01, max = 0.001 } }
