-- expect: 25_partition_one_group.lua:5: partition.groups: must be in [2, 65535], got 1
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
at(5, partition { groups = 1 })
