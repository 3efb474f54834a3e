-- expect: param_nan.lua:2: param.x: expected a finite number, got nan
param { x = 0/0 }
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip {}
