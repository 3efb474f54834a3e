scenario { name = "f", duration = 4 }
topology { kind = "explicit", nodes = { {"A", 0, 0}, {"B", 1, 0}, {"C", 2, 1} }, edges = { {"A", "B", 2, 5}, {"B", "C"} } }
flow { resources = { "food", "water" }, supply = { food = { A = 10 }, water = function(n) return n.id end }, demand = { food = { C = 5 }, water = { dist = "uniform", min = 0, max = 2 } }, solver = "greedy", dump = "d" }
at(1.5, shock { nodes = { "C" }, resource = "food", demand = 3, duration = 1 })
