--set credit.control.gain=0.5
--set credit.control.every=2
scenario { name = "f", duration = 3 }
topology { kind = "ring", n = 10 }
credit { control = { target = 5, min = 0.001 } }
