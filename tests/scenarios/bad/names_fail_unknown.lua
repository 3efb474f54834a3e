-- expect: names_fail_unknown.lua:8: fail.nodes: no place named "Jamaca" (did you mean "Jamaica"?)
scenario { name = "bad", duration = 10 }
topology { kind = "explicit",
  nodes = { {name = "Cuba", x = -79.52, y = 21.61}, {name = "Haiti", x = -72.29, y = 18.54},
            {name = "Jamaica", x = -77.31, y = 18.11} },
}
gossip { mode = "push" }
at(2.5, fail { nodes = { 1, "Jamaca" } })
