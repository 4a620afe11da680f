-- wrk script for bench/run.py: POST /api/recommendations/, and every answer counted by status.
-- Arguments after "--": the answers as a JSON object, then either "repeat" (the same body every
-- time: the stored verdict found again) or "fresh", a start number and the number of wrk threads.
--
-- Fresh: request number n of thread t (0-based) is weighting start + n * threads + t, spelled in
-- base 11 as the weights (0 to 10) of the criteria below, so no body repeats within a run and the
-- threads never send each other's. These criteria are in the seed data, so in every dataset.

local criteria = {
   "ease-of-learning", "built-in-features", "flexibility", "orm", "security",
   "async-support", "performance", "community-docs", "rest-api-tooling", "lightweight",
}
local threads = {}
local next_id = 0

function setup(thread)
   thread:set("id", next_id)
   next_id = next_id + 1
   table.insert(threads, thread)
end

function init(args)
   answers, mode = args[1], args[2]
   start, stride = tonumber(args[3] or 0), tonumber(args[4] or 1)
   headers = {["Content-Type"] = "application/json"}
   counter = 0
   statuses = {}
   if mode == "repeat" then
      fixed = wrk.format("POST", nil, headers, string.format('{"answers": %s}', answers))
   end
end

local function weights(number)
   local spelled = {}
   for _, slug in ipairs(criteria) do
      table.insert(spelled, string.format('"%s": %d', slug, number % 11))
      number = math.floor(number / 11)
   end
   return "{" .. table.concat(spelled, ", ") .. "}"
end

function request()
   if fixed then
      return fixed
   end
   local number = start + counter * stride + id
   counter = counter + 1
   local body = string.format('{"answers": %s, "weights": %s}', answers, weights(number))
   return wrk.format("POST", nil, headers, body)
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
