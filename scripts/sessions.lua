-- wrk: GET /crm with another live session on each request, from the file SESSIONS_FILE names
-- (written by `load seed-sessions … FILE`), so a run goes round every session.
local tokens = {}
for line in io.lines(os.getenv("SESSIONS_FILE")) do
  tokens[#tokens + 1] = line
end
local i = 0

function init(args)
  i = math.random(#tokens)
end

function request()
  i = i % #tokens + 1
  return wrk.format("GET", "/crm", { ["Cookie"] = "frontdoor=" .. tokens[i] })
end
