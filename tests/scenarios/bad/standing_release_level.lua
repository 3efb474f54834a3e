-- expect: standing_release_level.lua:4: release.level: unknown key
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
at(1, release { count = 2, level = "ok" })
