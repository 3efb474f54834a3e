-- A valid scenario for the bad command lines of tests/cli/bad.txt.
scenario { name = "cli", seed = 1, duration = 2, sample_every = 1 }
topology { kind = "ring", n = 20 }
gossip { mode = "push", fanout = 1 }
