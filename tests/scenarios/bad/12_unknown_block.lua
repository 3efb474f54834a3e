-- expect: 12_unknown_block.lua:4: unknown name 'gosip' (did you mean 'gossip'?)
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gosip { mode = "push" }
