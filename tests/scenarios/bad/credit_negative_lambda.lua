-- expect: credit_negative_lambda.lua:4: credit.lambda: must be in [0, 10], got -0.001
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
credit { lambda = -0.001 }
