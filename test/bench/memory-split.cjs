// What a process's peak RSS is made of (issue 19, memory): preload it with
// `node --require test/bench/memory-split.cjs ...` (or as a NODE_FLAG of memory-ab.mjs). It
// samples process.memoryUsage() every 10 ms and, when the process ends, appends one line to
// $MEMORY_SPLIT_LOG (default /tmp/memory-split.log): the split at the moment RSS peaked
// (heap, external, array buffers, V8's spaces) and the largest value each field reached.
const fs = require('node:fs')
const v8 = require('node:v8')

const MiB = x => (x / 1048576).toFixed(1)
let peak = {rss: 0}
const largest = {}
setInterval(() => {
  const m = process.memoryUsage()
  for (const k of Object.keys(m)) largest[k] = Math.max(largest[k] ?? 0, m[k])
  if (m.rss > peak.rss) {
    peak = {...m, spaces: Object.fromEntries(v8.getHeapSpaceStatistics().filter(s => s.physical_space_size > 0)
      .map(s => [s.space_name, MiB(s.physical_space_size)]))}
  }
}, 10).unref()

function report() {
  const at = ['rss', 'heapTotal', 'heapUsed', 'external', 'arrayBuffers'].map(k => `${k} ${MiB(peak[k] ?? 0)}`).join(', ')
  const most = Object.entries(largest).map(([k, v]) => `${k} ${MiB(v)}`).join(', ')
  const line = `${process.pid} ${process.argv.slice(2, 3).join(' ')}: at peak ${at}; spaces ${JSON.stringify(peak.spaces)}; largest ${most}\n`
  try {
    fs.appendFileSync(process.env.MEMORY_SPLIT_LOG ?? '/tmp/memory-split.log', line)
  } catch {}
}
process.on('exit', report)
process.on('SIGTERM', () => process.exit(0))
