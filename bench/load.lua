-- wrk script for bench/load.py: each wrk thread sends the next request of a fixed cycle (the
-- busiest pages, API reads and the recommendation post) and every answer is counted by status.
-- Arguments after "--": the verdict page's path, then the JSON body to post.
--
-- wrk gives each thread its own Lua state, so setup() keeps every thread and done() reads their
-- counts with thread:get(), the pattern of wrk's scripts/setup.lua.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   cycle = {
      wrk.format("GET", args[1]),
      wrk.format("GET", "/compare/?frameworks=flask,django"),
      wrk.format("GET", "/questionnaire/"),
      wrk.format("GET", "/api/claims/?framework=django"),
      wrk.format("GET", "/api/frameworks/"),
      wrk.format("POST", "/api/recommendations/", {["Content-Type"] = "application/json"}, args[2]),
   }
   position = 0
   -- By exact status rather than by class: only the post answers 201, so posts can be told apart.
   statuses = {}
end

function request()
   position = position % #cycle + 1
   return cycle[position]
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
   local total = {}
   for _, thread in ipairs(threads) do
      for status, count in pairs(thread:get("statuses")) do
         total[status] = (total[status] or 0) + count
      end
   end
   for status, count in pairs(total) do
      io.write(string.format("status %d %d\n", status, count))
   end
end
