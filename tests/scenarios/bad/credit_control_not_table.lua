-- expect: credit_control_not_table.lua:4: credit.control: expected a table of keys, got number
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
credit { control = 5 }
