-- expect: shock_resource_without_flow.lua:5: shock.resource: no model in this scenario uses it
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
credit {}
at(1, shock { nodes = { 3 }, capacity = 1, resource = "food" })
