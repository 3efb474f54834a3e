-- expect: param_assign.lua:3: param.a: parameters are read-only; give a default in param{} and override it with --set param.a=VALUE
param { a = 1 }
param.a = 2
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip {}
