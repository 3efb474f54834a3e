-- expect: 27_set_absent_block.lua:5: set: no block 'credit' before this point
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
at(5, set { ["credit.lambda"] = 0.1 })
