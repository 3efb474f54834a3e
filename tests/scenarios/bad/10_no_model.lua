-- expect: 10_no_model.lua: no model block (one of: credit, flow, gossip, immune
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
