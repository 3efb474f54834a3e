-- expect: 96_error_with_escapes.lua:5: \033]0;pwned\007
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
error("\27]0;pwned\7")
