-- expect: credit_control_min_zero.lua:4: credit.control.min must be > 0
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
credit { control = { target = 100, min = 0 } }
