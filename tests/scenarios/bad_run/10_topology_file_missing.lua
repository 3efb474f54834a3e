-- expect: topology.path: cannot open
scenario { name = "bad", duration = 10 }
topology { kind = "file", path = "no_such_file.txt" }
gossip { mode = "push" }
