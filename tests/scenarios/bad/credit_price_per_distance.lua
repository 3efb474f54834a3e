-- expect: credit_price_per_distance.lua:4: credit.price: per_distance is a latency law
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
credit { price = { per_distance = 1, base = 0 } }
