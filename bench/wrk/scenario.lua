-- wrk script of `make bench`: replays the requests of one scenario and prints its figures.
--
--   wrk -t T -c C -d D -s bench/wrk/scenario.lua http://127.0.0.1:PORT -- DATAFILE T
--
-- DATAFILE (written by bench/bench.py), one item per line, fields separated by one TAB:
--   mode<TAB>cycle|unique    cycle: every thread loops over all requests, starting at its own
--                            offset; unique: request i goes to thread i mod T and is sent once
--                            (the write path: a repeated request would answer 409)
--   T<TAB>token              bearer token, numbered 1, 2, ... in file order
--   R<TAB>method<TAB>token number (0: none)<TAB>path<TAB>body (may be empty)
-- done() prints one line "BENCH_JSON {...}" with the summary, the latency percentiles (in
-- microseconds) and, for unique mode, whether a thread ran out of requests and had to repeat
-- one (its later requests are then duplicates and count as errors).

local threads = {}
local counter = 0

function setup(thread)
   thread:set("id", counter)
   counter = counter + 1
   table.insert(threads, thread)
end

local function split_tabs(line)
   local fields = {}
   local start = 1
   while true do
      local tab = string.find(line, "\t", start, true)
      if not tab then
         table.insert(fields, string.sub(line, start))
         return fields
      end
      table.insert(fields, string.sub(line, start, tab - 1))
      start = tab + 1
   end
end

local requests = {}
local mode = "cycle"
local index = 0
local step = 1
exhausted = 0
sent = 0

function init(args)
   local datafile = args[1]
   local nthreads = tonumber(args[2]) or 1
   local tokens = {}
   local f = assert(io.open(datafile, "r"))
   for line in f:lines() do
      local fields = split_tabs(line)
      local kind = fields[1]
      if kind == "mode" then
         mode = fields[2]
      elseif kind == "T" then
         table.insert(tokens, fields[2])
      elseif kind == "R" then
         local headers = {}
         local tok = tonumber(fields[3])
         if tok and tok > 0 then
            headers["Authorization"] = "Bearer " .. tokens[tok]
         end
         local body = fields[5]
         if body == nil or body == "" then
            body = nil
         else
            headers["Content-Type"] = "application/json"
         end
         table.insert(requests, wrk.format(fields[2], fields[4], headers, body))
      end
   end
   f:close()
   assert(#requests > 0, "no request in " .. datafile)
   if mode == "unique" then
      index = id
      step = nthreads
   else
      index = math.floor(id * #requests / nthreads)
      step = 1
   end
end

function request()
   if index >= #requests then
      if mode == "unique" then
         exhausted = 1
      end
      index = index % #requests
   end
   local r = requests[index + 1]
   index = index + step
   sent = sent + 1
   return r
end

function done(summary, latency, requests)
   local any_exhausted = 0
   local total_sent = 0
   for _, t in ipairs(threads) do
      if t:get("exhausted") == 1 then
         any_exhausted = 1
      end
      total_sent = total_sent + (t:get("sent") or 0)
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "sent": %d, ' ..
      '"exhausted": %s, "errors": {"connect": %d, "read": %d, "write": %d, "status": %d, ' ..
      '"timeout": %d}, "latency_us": {"min": %d, "mean": %.1f, "stdev": %.1f, "max": %d, ' ..
      '"p50": %d, "p75": %d, "p90": %d, "p99": %d, "p999": %d}}\n',
      summary.requests, summary.duration, summary.bytes, total_sent,
      any_exhausted == 1 and "true" or "false",
      e.connect, e.read, e.write, e.status, e.timeout,
      latency.min, latency.mean, latency.stdev, latency.max,
      latency:percentile(50), latency:percentile(75), latency:percentile(90),
      latency:percentile(99), latency:percentile(99.9)))
end
