-- expect: standing_isolate_no_selector.lua:4: isolate: say how many: fraction, count or nodes
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
at(1, isolate { level = "limited" })
