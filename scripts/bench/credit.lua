-- credit.lua -- the credit model's benchmark (make bench): 100,000 members
-- on a Barabasi-Albert graph trading for 365 days with demurrage, dividends
-- and the controller on; figures are trades per second of wall time.
scenario { name = "bench-credit", seed = 1, duration = 365, sample_every = 1 }
topology { kind = "barabasi_albert", n = 100000, m = 3 }
links    { latency = { dist = "lognormal", median = 0.001, sigma = 0.5 } }
credit   { lambda = 0.002, starter = 10, need_rate = 3, capacity = 8, limit_factor = 2,
           price = { dist = "lognormal", median = 1, sigma = 0.7 }, search_depth = 3,
           payout = "dividend", payout_every = 7,
           control = { target = 1500000, gain = 0.2, min = 0.0001, max = 0.05, every = 7 } }
