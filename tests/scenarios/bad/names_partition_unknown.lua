-- expect: names_partition_unknown.lua:5: partition.nodes: no place named "Hati" (did you mean "Haiti"?)
scenario { name = "bad", duration = 10 }
topology { kind = "explicit", nodes = { "Cuba", "Haiti", "Jamaica" } }
gossip { mode = "push" }
at(1, partition { nodes = { "Hati" } })
