-- expect: 85_degree_inf.lua:3: topology.degree: expected a finite number, got inf
scenario { name = "bad", duration = 10 }
topology { kind = "erdos_renyi", n = 100, degree = math.huge }
gossip { mode = "push" }
