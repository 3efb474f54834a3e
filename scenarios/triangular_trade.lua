-- triangular_trade.lua -- three communities, each making what the next one needs:
-- does clearing cancel the debts that go round the triangle?
--
-- What it shows: credit.mode = "bilateral": every trade also records a
-- bilateral IOU, buyer owes seller; every 7 days (clear_every) the IOU
-- graph is cleared multilaterally (doc/models.md, "credit", and doc/solvers.md):
-- the largest total that cancels around cycles is written off, and the
-- column `cleared` (credits, cumulative) grows by it. Balances, which are
-- net positions, do not change.
--
-- Three communities A, B, C of 40 named members (topology kind "explicit"):
-- 20 makers (Am1..Am20, capacity 5 credits a day) and 20 households
-- (Ah1..Ah20, capacity 3). Makers link to their own households and to the
-- households of the NEXT community (A's makers to B's households, B's to
-- C's, C's to A's), 3 links each; no other links. Orders go one hop
-- (search_depth 1) to a random neighbour. So B's households buy from A's
-- makers (B owes A), C's from B's (C owes B), A's from C's (A owes C), and
-- makers buy from households at home: the debts go round the triangle,
-- A -> C -> B -> A, and clearing can cancel them.
--
-- The simplification, honestly: the model has ONE good and orders walk to a
-- random neighbour over undirected links, so no member can be made to need
-- "what the next community holds" as such. The triangle is built from who
-- is linked to whom and who has capacity to sell. Since links carry orders
-- both ways, much of the IOU graph is back-and-forth debt between two
-- members (a 2-cycle: a maker and a household buying from each other),
-- which clearing may cancel too (the model does not report which cycles
-- carry what it cancels). To see what the triangle itself adds, open it
-- (param.close = 0 drops C's exports to A: the debts then run A <- B <- C
-- with no way back):
--   build/mycosim run scenarios/triangular_trade.lua                     # the closed triangle
--   build/mycosim sweep scenarios/triangular_trade.lua --vary param.close=1,0 --reps 3 --jobs 2
-- Measured (that sweep, seeds 7-9, day 120, report.csv's cleared_per_trade =
-- cleared credits per trade; a share of the volume only because the mean
-- price is 1 credit): closed 0.731-0.734 (17,150 credits over 23,420
-- trades, mean of 3), open 0.694-0.700 (15,550 over 22,320). Most of what
-- is cleared is cleared either way; closing the triangle adds about 3.5
-- points, and lowers the final Gini of spending power from 0.627 to 0.561.
-- Look at: credit.csv (cleared growing in steps every 7 days; trades,
-- failed_trades), report.csv (cleared_per_trade), network.csv (one
-- component of 120 members either way).
param { k = 20, links_each = 3, close = 1, maker_capacity = 5, household_capacity = 3 }

scenario { name = "triangular_trade", seed = 7, duration = 120, sample_every = 1 }

local communities, next_of = { "A", "B", "C" }, { A = "B", B = "C", C = "A" }
local nodes, edges, capacity = {}, {}, {}
for ci, c in ipairs(communities) do
  local angle = 2 * math.pi * (ci - 1) / 3          -- the three communities on a circle
  for i = 1, param.k do
    nodes[#nodes + 1] = { name = c .. "m" .. i, x = math.cos(angle), y = math.sin(angle) + 0.01 * i }
    nodes[#nodes + 1] = { name = c .. "h" .. i, x = 1.2 * math.cos(angle), y = 1.2 * math.sin(angle) + 0.01 * i }
    capacity[c .. "m" .. i] = param.maker_capacity
    capacity[c .. "h" .. i] = param.household_capacity
  end
end
-- member i of group `from` links to param.links_each members of group `to`
local function link(from, to)
  for i = 1, param.k do
    for j = 0, param.links_each - 1 do
      edges[#edges + 1] = { from .. i, to .. ((i + 7 * j - 1) % param.k + 1) }
    end
  end
end
for _, c in ipairs(communities) do
  link(c .. "m", c .. "h")                                        -- makers sell at home
  if param.close == 1 or c ~= "C" then
    link(c .. "m", next_of[c] .. "h")                             -- and to the next community
  end
end

topology { kind = "explicit", nodes = nodes, edges = edges }
links    { latency = { dist = "constant", value = 0.01 } }
credit   { mode = "bilateral", clear_every = 7, need_rate = 2, capacity = capacity, limit_factor = 4,
           price = { dist = "exponential", mean = 1 }, search_depth = 1 }

report("cleared_per_trade", function(sim)
  local trades = sim.metric("credit.trades")
  return trades > 0 and sim.metric("credit.cleared") / trades or 0
end)
