-- expect: 01_unknown_key.lua:5: gossip.fanut: unknown key (did you mean 'fanout'?)
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
links {}
gossip { fanut = 2 }
