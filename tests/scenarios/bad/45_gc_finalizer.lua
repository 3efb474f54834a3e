-- expect: 45_gc_finalizer.lua:5: setmetatable: __gc is not allowed in scenarios
scenario { name = "bad", duration = 10 }
topology { kind = "ring", n = 50 }
gossip { mode = "push" }
local t = setmetatable({}, { __gc = function() while true do end end })
