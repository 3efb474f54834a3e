-- expect: 14_not_a_table.lua:4: gossip: expects one table, e.g. gossip { ... }
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip("push")
