-- expect: 05_cell_past_cells.lua:5: fail.cell: no such cell, ids are 0 .. cells-1 (4)
scenario { name = "bad", duration = 10 }
topology { kind = "cells", cells = 4, size = 10, gateways = 1 }
gossip { mode = "push" }
at(1, fail { target = "cell", cell = 4 })
