-- expect: 48_toygplmemory { kind e = "push" }
local keep = {}
while true do
    pcall(function() keep[#keep + 2] = string.rep("x", 1 << 20) .. #keep end)
end
