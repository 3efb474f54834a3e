-- expect: 03_cell_without_cells.lua:5: fail: cells need topology kind "cells"
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
at(1, fail { target = "cell", cell = 0 })
