-- expect: 24_region_missing.lua:5: fail.region: required with target = "region"
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
at(5, fail { target = "region" })
