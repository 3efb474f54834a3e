-- expect: report_clash.lua:5: first_time: the name 't_50' is already a column of summary.csv; choose another
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip {}
first_time("t_50", function(sim) return true end)
