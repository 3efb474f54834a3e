-- expect: param_twice.lua:3: param: block given twice (first at line 2)
param { a = 1 }
param { b = 2 }
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip {}
