-- expect: credit_capacity_negative.lua:4: credit.capacity: must be in [0, 1e+09], got -5
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
credit { capacity = -5 }
