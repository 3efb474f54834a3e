-- expect: report_twice.lua:6: first_time: the name 'a' is taken (line 5)
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip {}
report("a", function(sim) return 1 end)
first_time("a", function(sim) return true end)
