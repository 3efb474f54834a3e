-- expect: 35_require_blocked.lua:2: unknown name 'require'
require("os")
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
