scenario { name = "f", duration = 5 }
topology { kind = "ring", n = 20 }
credit { lambda = 0.01, starter = 5, control = { target = 50, gain = 0.2, min = 0.001, max = 0.1, every = 1 }, payout = "dividend", payout_every = 2, mode = "bilateral", clear_every = 2 }
at(1, shock { count = 3, capacity = 2, duration = 2 })
at(2, set { ["credit.lambda"] = 0.02 })
