-- expect: report_no_function.lua:5: report: expected a name and a function of sim, got number as argument 2
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip {}
report("a", 5)
