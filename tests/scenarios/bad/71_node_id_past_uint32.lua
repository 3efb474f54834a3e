-- expect: 71_node_id_past_uint32.lua:5: fail.nodes: node ids are integers >= 0, got 4294967296
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
at(1, fail { nodes = { 4294967296 } })
