-- expect: param_action.lua:2: param.h: an action is not a parameter (schedule it with at())
param { h = heal {} }
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip {}
