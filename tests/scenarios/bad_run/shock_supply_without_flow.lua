-- expect: shock_supply_without_flow.lua:5: shock.supply: no model in this scenario uses it
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
credit {}
at(1, shock { nodes = { 3 }, supply = 10 })
