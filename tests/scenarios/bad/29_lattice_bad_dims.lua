-- expect: 29_lattice_bad_dims.lua:3: topology.dims: expected a list, got number
scenario { name = "bad", duration = 10 }
topology { kind = "lattice", dims = 10 }
gossip { mode = "push" }
