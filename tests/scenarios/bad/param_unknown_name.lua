-- expect: param_unknown_name.lua:6: param.heal_ta: unknown parameter (did you mean 'heal_at'?)
param { fraction = 0.2, heal_at = 5 }
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip {}
at(param.heal_ta, heal {})
