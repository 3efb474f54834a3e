-- expect: 77_partition_groups_too_many.lua:5: partition.groups: must be in [2, 65535], got 70000
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
at(1, partition { groups = 70000 })
