-- expect: report_bad_name.lua:5: report: the name (argument 1) must be a string of letters, digits and _, at most 63 bytes
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip {}
report("a b", function(sim) return 1 end)
