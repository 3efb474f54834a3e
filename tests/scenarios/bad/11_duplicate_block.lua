-- expect: 11_duplicate_block.lua:5: gossip: block given twice (first at line 4)
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
gossip { mode = "push" }
