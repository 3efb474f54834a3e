-- expect: report_time.lua:5: report: the name 'time' is already a column of report.csv; choose another
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip {}
report("time", function(sim) return 1 end)
