-- expect: param_bad_name.lua:2: param: names must be Lua identifiers of at most 63 bytes (param { fraction = 0.2 })
param { ["heal at"] = 5 }
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip {}
