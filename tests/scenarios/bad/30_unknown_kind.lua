-- expect: 30_unknown_kind.lua:3: topology.kind: unknown value 'scale_free'
scenario { name = "bad", duration = 10 }
topology { kind = "scale_free", n = 10 }
gossip { mode = "push" }
