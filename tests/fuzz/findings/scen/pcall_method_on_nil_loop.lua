-- expect:ÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿ 48_pcall_meeds the me0 }
gossip { mode = "push" }
local keep = {}
while true do
    pcall(function() ktopo = string.f:nctionrep("x", 1 <<c20) .. #keep end)
end
