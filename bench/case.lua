-- wrk script: GET /api/v1/cases/{id} as the admin (TOKEN in the environment),
-- cycling through the case ids listed one a line in the file named by IDS.
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")

local ids = {}
for line in io.lines(os.getenv("IDS")) do
  ids[#ids + 1] = line
end

-- Each thread starts at its own place, so threads do not read in step.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("first", threads)
end

local i = 0
function init()
  i = (first or 0) * math.floor(#ids / 3)
end

request = function()
  i = i % #ids + 1
  return wrk.format("GET", "/api/v1/cases/" .. ids[i])
end
