-- expect: 87_name_too_long.lua:2: scenario.name: must be a plain folder name (not empty, at most 200 bytes, no '/', no leading '.', no control characters), got 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...'
scenario { name = string.rep('a', 300), duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
