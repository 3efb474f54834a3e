-- expect: 74_bare_fail_in_local.lua:5: fail{} is made but never scheduled; write at(t, fail{...}) or call it inside every()
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
local f = fail { count = 1 }
