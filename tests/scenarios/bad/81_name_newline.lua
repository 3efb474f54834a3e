-- expect: 81_name_newline.lua:2: scenario.name: must be a plain folder name (not empty, at most 200 bytes, no '/', no leading '.', no control characters), got a name with control characters
scenario { name = "a\nb", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
