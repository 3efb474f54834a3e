-- expect: 09_halfplane_without_coordinates.lua:5: partition: regions need a topology with coordinates
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
at(1, partition { by = "halfplane" })
