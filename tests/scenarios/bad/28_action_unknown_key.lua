-- expect: 28_action_unknown_key.lua:5: partition.mdoe: unknown key (did you mean 'mode'?)
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
at(5, partition { mdoe = "queue" })
