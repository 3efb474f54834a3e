-- expect: 06_partition_cells_without_cells.lua:5: partition: cells need topology kind "cells"
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
at(1, partition { by = "cells" })
