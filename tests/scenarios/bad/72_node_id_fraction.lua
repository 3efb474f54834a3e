-- expect: 72_node_id_fraction.lua:5: fail.nodes: node ids are integers >= 0, got 1.5
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
at(1, fail { nodes = { 1.5 } })
