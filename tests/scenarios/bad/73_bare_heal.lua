-- expect: 73_bare_heal.lua:5: heal{} is made but never scheduled; write at(t, heal{...}) or call it inside every()
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
heal {}
