-- expect: 06_enum_suggest.lua:4: gossip.mode: unknown value 'pushy' (did you mean 'push'?); valid: push, pull, push-pull
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "pushy" }
