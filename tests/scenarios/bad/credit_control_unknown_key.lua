-- expect: credit_control_unknown_key.lua:4: credit.control.gian: unknown key (did you mean 'gain'?)
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
credit { control = { target = 100, gian = 0.1 } }
