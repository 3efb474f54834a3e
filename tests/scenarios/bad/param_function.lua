-- expect: param_function.lua:2: param.f: a parameter is a number, a string, a boolean or a table of those, got function
param { f = function() return 1 end }
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip {}
