// Peak RSS, wall and CPU of builds side by side (issue 19, memory): one listening agent per
// variant, sessions alternated variant by variant and case by case, both files read right
// before each timed push. The push's peak comes from GNU time (%M); the agent's is its VmHWM,
// reset before each session (/proc/PID/clear_refs 5), so each row is one session's peak.
//
//   node test/bench/memory-ab.mjs DIR RUNS CASES NAME=BIN[,NODE_FLAG...]...
//
// DIR gets src (512 MiB of random data, or MEMORY_AB_MIB) and old1, old10 (src with 1% / 10%
// of its 4 KiB blocks rewritten) unless it has them; CASES is a comma list of dense1, dense10, full (a first copy). A variant runs
// BIN (a bin/run.js) under `node NODE_FLAG...`, for the push and its agent alike, e.g.
// main=/work/main/bin/run.js  semi1=/work/main/bin/run.js,--max-semi-space-size=1
// Prints a Markdown table of medians (RSS in MiB, with the largest in brackets; seconds).
import {execFileSync, spawn, spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {closeSync, copyFileSync, existsSync, openSync, readFileSync, rmSync, writeFileSync, writeSync} from 'node:fs'
import path from 'node:path'

const [dir, runs, casesArg, ...variantArgs] = process.argv.slice(2)
if (!dir || !runs || !casesArg || variantArgs.length === 0) {
  console.error('usage: node test/bench/memory-ab.mjs DIR RUNS CASES NAME=BIN[,NODE_FLAG...]...')
  process.exit(2)
}
const psk = path.join(dir, 'psk')
const variants = variantArgs.map(a => {
  const at = a.indexOf('=')
  const [bin, ...flags] = a.slice(at + 1).split(',')
  return {name: a.slice(0, at), bin, flags}
})

function makeData() {
  const size = Number(process.env.MEMORY_AB_MIB ?? 512) << 20
  const src = openSync(path.join(dir, 'src'), 'w')
  for (let at = 0; at < size; at += 8 << 20) writeSync(src, randomBytes(8 << 20), 0, 8 << 20, at)
  closeSync(src)
  for (const pct of [1, 10]) {
    const old = path.join(dir, `old${pct}`)
    copyFileSync(path.join(dir, 'src'), old)
    const fd = openSync(old, 'r+')
    const blocks = size / 4096
    // Block i*step+j for a fixed j: spread over the file, every block distinct.
    const step = 100 / pct
    for (let b = 7; b < blocks; b += step) writeSync(fd, randomBytes(4096), 0, 4096, b * 4096)
    closeSync(fd)
  }
}
if (!existsSync(path.join(dir, 'old10'))) makeData()
if (!existsSync(psk)) execFileSync(process.execPath, [variants[0].bin, 'keygen', '--out', psk, '--quiet'])

const status = (pid, field) => Number(new RegExp(`${field}:\\s*(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1])
const cpuSec = pid => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(f[11]) + Number(f[12])) / 100
}

async function startAgent(v) {
  const child = spawn(process.execPath, [...v.flags, v.bin, 'agent', '--listen', '127.0.0.1:0', '--psk-file', psk, '--allow', dir],
    {stdio: ['ignore', 'pipe', 'ignore']})
  const port = await new Promise((resolve, reject) => {
    let out = ''
    child.once('exit', code => reject(new Error(`agent ${v.name} exited (${code})`)))
    child.stdout.on('data', d => {
      out += d
      const m = /listening \S+:(\d+)/.exec(out)
      if (m) resolve(Number(m[1]))
    })
  })
  return {child, port}
}

function session(v, c) {
  const dst = path.join(dir, `dst-${v.name}`)
  rmSync(dst, {force: true})
  if (c !== 'full') copyFileSync(path.join(dir, c.replace('dense', 'old')), dst)
  execFileSync('sh', ['-c', `cat "$1" ${c === 'full' ? '' : '"$2"'} > /dev/null`, 'sh', path.join(dir, 'src'), dst])
  const pid = v.agent.child.pid
  writeFileSync(`/proc/${pid}/clear_refs`, '5')
  const cpu0 = cpuSec(pid)
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', process.execPath, ...v.flags, v.bin, 'push', path.join(dir, 'src'),
    `agent://127.0.0.1:${v.agent.port}${dst}`, '--psk-file', psk, '--json'], {encoding: 'utf8'})
  if (r.status !== 0) throw new Error(`push ${v.name} ${c} failed: ${r.stderr}`)
  const [wall, user, sys, kib] = r.stderr.trim().split('\n').pop().split(' ').map(Number)
  return {wall, pushCpu: user + sys, pushRss: kib / 1024, agentCpu: cpuSec(pid) - cpu0, agentRss: status(pid, 'VmHWM') / 1024}
}

const cases = casesArg.split(',')
const rows = new Map()
for (const v of variants) v.agent = await startAgent(v)
try {
  for (let i = 0; i < Number(runs); i++) {
    for (const c of cases) {
      for (const v of variants) {
        const r = session(v, c)
        console.error(c, v.name, JSON.stringify(r))
        const key = `${c}\t${v.name}`
        rows.set(key, [...(rows.get(key) ?? []), r])
      }
    }
  }
} finally {
  for (const v of variants) v.agent.child.kill()
}

const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
console.log('| case | variant | push RSS, MiB | agent RSS, MiB | wall, s | push CPU, s | agent CPU, s | CPU total, s |')
console.log('|---|---|--:|--:|--:|--:|--:|--:|')
for (const [key, rs] of rows) {
  const [c, name] = key.split('\t')
  const col = k => rs.map(r => r[k])
  const rss = k => `${median(col(k)).toFixed(1)} (${Math.max(...col(k)).toFixed(1)})`
  console.log(`| ${c} | ${name} | ${rss('pushRss')} | ${rss('agentRss')} | ${median(col('wall')).toFixed(2)} | ` +
    `${median(col('pushCpu')).toFixed(2)} | ${median(col('agentCpu')).toFixed(2)} | ${median(rs.map(r => r.pushCpu + r.agentCpu)).toFixed(2)} |`)
}
