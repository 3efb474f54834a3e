-- expect: 18_loss_above_one.lua:4: links.loss: must be in [0, 1], got 1.5
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
links { loss = 1.5 }
gossip { mode = "push" }
