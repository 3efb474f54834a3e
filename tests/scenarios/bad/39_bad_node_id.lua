-- expect: 39_bad_node_id.lua:4: gossip.origins: node ids are integers >= 0, got -1
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { origins = { 3, -1 } }
