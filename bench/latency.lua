-- wrk script: print the latency percentiles the summary leaves out (p95), in microseconds.
done = function(summary, latency, requests)
  io.write(string.format("LATENCY_US %d %d %d\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
