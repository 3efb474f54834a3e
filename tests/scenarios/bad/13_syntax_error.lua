-- expect: 13_syntax_error.lua:5: '}' expected (to close '{' at line 4)
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" 
