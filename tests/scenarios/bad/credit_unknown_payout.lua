-- expect: credit_unknown_payout.lua:4: credit.payout: unknown value 'bonus'; valid: none, dividend, regeneration
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
credit { payout = "bonus" }
