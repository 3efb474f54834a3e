-- expect: 01_node_id_past_n.lua:5: fail.nodes: no such node, ids are 0 .. n-1 (50)
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
at(1, fail { nodes = { 3, 50 } })
