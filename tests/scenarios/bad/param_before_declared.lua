-- expect: param_before_declared.lua:5: param.t: no param{} block before this line (declare it first: param { t = ... })
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip {}
at(param.t, heal {})
