-- expect: 76_enum_with_nul.lua:5: links.latency.dist: the string contains a NUL byte
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
links { latency = { dist = "constant\0x", value = 0.1 } }
