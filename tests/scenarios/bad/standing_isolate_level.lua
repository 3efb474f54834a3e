-- expect: standing_isolate_level.lua:4: isolate.level: unknown value 'quarantined'; valid: limited, suspended, expelled
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
at(1, isolate { count = 3, level = "quarantined" })
