-- expect: 07_too_big_for_the_machine.lua: needs about
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 1000000 }
phold { population = 1000000 }
