-- expect: 08_origin_past_n.lua:4: gossip.origins: node 50 does not exist (n = 50)
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push", origins = { 50 } }
