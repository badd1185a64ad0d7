// `npm run bench`: blockpair against rsync, ssh and the time it takes just to read
// the files, all in one run, tools alternated run by run, medians and ratios.
// Writes BENCHMARKS.md and prints the same tables on stdout (progress on stderr).
//
// Each timed run is preceded by reading the files it touches (this machine pages out
// file data left idle for ~30 s, and a `cat` of half-paged-out files flatters every
// ratio); after the warm rounds each case has cold rounds, the page cache dropped
// before each tool (root only) and the tool's own code then read back, so that only
// the data is cold. A cold fill of the page cache on a VM swings by up to 9x between
// identical runs (ANALYSIS.md, "s4fix" and "s5bench"), so the cases whose cold wall is
// judged (CaseDef.coldTarget: dense-1, ranges-dense-1) run BENCH_COLD_RUNS cold rounds,
// alternated like the warm ones, and report their median and spread; the others run
// one, which keeps the whole run under ~30 minutes. Before each cold run the machine's
// writeback settles (`sync` until dirty + writeback pages are below 32 MiB, a bounded
// number of times: proc.ts settleWriteback), so that no earlier write competes with the
// cold reads. What remains is mostly the VM's free page reporting, which hands the memory
// the drop freed back to the host from 2 s after the drop and makes filling it slow:
// a cold run records how much was handed back while it ran (RunRecord.reportedKiB), and
// BENCH_COLD_SETTLE=reporting waits for that to finish first (proc.ts
// settleFreePageReporting: steady but slow, see there). Every run records wall time and CPU (user+sys) of
// every process involved: the command's rusage, plus the listening agent's or sshd's
// CPU over the run, read from /proc (test/bench/proc.ts).
//
// Environment:
//   BENCH_RUNS=N    warm runs per tool and case (default 5; 2 with BENCH_QUICK), plus the cold ones
//   BENCH_COLD_RUNS=N  cold runs per tool in the cases with a cold target (default 3; 1 with
//                   BENCH_QUICK); every other case has one cold run
//   BENCH_COLD_SETTLE=writeback|sync|reporting  what a cold run waits for (default writeback:
//                   `sync` until the writeback is done; sync: one `sync` before the drop, as
//                   before s5bench; reporting: also, in the judged cases, until the VM's
//                   free page reporting is quiet: steady figures, but a cold dense-1 at
//                   2 GiB takes ~12 minutes and measures the host's page faults)
//   BENCH_QUICK=1   small files, a smoke test that finishes in about two minutes;
//                   prints the report but writes no file unless BENCH_OUT is set
//   BENCH_CASES=a,b only these cases (ids: see CASES in cases.ts)
//   BENCH_KEEP=1    keep the data folder (.bench/) afterwards
//   BENCH_DIR=DIR   data folder (default .bench/ in the project; must be a real disk, not tmpfs)
//   BENCH_OUT=FILE  where to write the report (default BENCHMARKS.md; none with BENCH_QUICK)
//   BENCH_BUILD=1   run `npm run build` first (default: measure the dist/ that is there)
//   BENCH_SCALE=N   divide the full sizes by N (e.g. 4: a 512 MiB dense image), for a
//                   check at a size between BENCH_QUICK's and the full one
//
// The data folder takes up to about 3x the dense image plus the sparse images' data
// and the link case's image (~12 GiB at full size) and the page cache needs as much
// free memory as the largest case; sizes are halved, with a message, until both fit.
//
// The link cases (lan-*) build two network namespaces joined by a veth pair with a
// 1 Gbit/s tbf (test/bench/netns.ts); they need root and show "not available" otherwise.

import {spawnSync} from 'node:child_process'
import {cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, statfsSync, symlinkSync, writeFileSync} from 'node:fs'
import {open} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import type {Test} from 'tap'
import {type AgentSpec, BLOCKPAIR, CASES, type CaseDef, type CaseSetup, type Env, FULL_SIZES, LOOPBACK_AGENT, QUICK_SIZES, type WarmItem} from './cases.js'
import {sparseDiffers} from './compare.js'
import {DataSet, type Sizes, bigSparseLayout, copySparse, dataDefs, sparseLayout} from './data.js'
import {NS_B, type NsSshd, lanDown, lanUnavailable, lanUp, startNsSshd} from './netns.js'
import {Agent, dropCaches, dropCachesMissing, failure, gnuTimeMissing, killAllSync, lastLines, must, reportedKiB, run, settleFreePageReporting, treeCpuSec, warmCode} from './proc.js'
import {type CaseResult, type RunRecord, type ToolResult, measured, renderReport} from './report.js'
import {MiB, fmtBytes} from './util.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const QUICK = process.env.BENCH_QUICK === '1'
const RUNS = Math.max(1, Number.parseInt(process.env.BENCH_RUNS ?? '', 10) || (QUICK ? 2 : 5))
const COLD_RUNS = Math.max(1, Number.parseInt(process.env.BENCH_COLD_RUNS ?? '', 10) || (QUICK ? 1 : 3))
const COLD_SETTLE = (['sync', 'reporting'] as const).find(m => m === process.env.BENCH_COLD_SETTLE) ?? 'writeback'
const SCALE = Math.max(1, Number.parseInt(process.env.BENCH_SCALE ?? '', 10) || 1)
const KEEP = process.env.BENCH_KEEP === '1'
const BENCH_DIR = path.resolve(process.env.BENCH_DIR ?? path.join(ROOT, '.bench'))
const DATA_DIR = path.join(BENCH_DIR, 'data')
const APP_DIR = path.join(BENCH_DIR, 'app')
const OUT = process.env.BENCH_OUT ? path.resolve(process.env.BENCH_OUT) : QUICK ? undefined : path.join(ROOT, 'BENCHMARKS.md')
const RUN_TIMEOUT_MS = QUICK ? 120_000 : 900_000
/** Below this, cmp after every run; above, after the first good run of each tool. */
const VERIFY_EVERY_RUN_BELOW = 256 * MiB

const started = Date.now()
const teardowns: (() => unknown)[] = []
let cleaned = false
/** The emulated link's namespaces may exist (deleted at the end of its case, or at exit). */
let lanActive = false

function log(msg: string): void {
  const t = ((Date.now() - started) / 1000).toFixed(0).padStart(4)
  process.stderr.write(`[bench ${t}s] ${msg}\n`)
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e))

// ---- set-up checks -----------------------------------------------------------

function toolVersion(argv: string[]): string | undefined {
  const r = spawnSync(argv[0]!, argv.slice(1), {encoding: 'utf8'})
  if (r.error || r.status !== 0) return undefined
  return `${r.stdout}${r.stderr}`.trim().split('\n')[0]
}

function fsType(dir: string): string {
  const r = spawnSync('df', ['-T', dir], {encoding: 'utf8'})
  return r.stdout?.trim().split('\n')[1]?.split(/\s+/)[1] ?? 'unknown'
}

function memAvailable(): number {
  const m = /^MemAvailable:\s*(\d+)\s*kB/m.exec(readFileSync('/proc/meminfo', 'utf8'))
  return m ? Number(m[1]) * 1024 : os.freemem()
}

function newestMtime(dir: string, test: (f: string) => boolean): {ms: number, file?: string} {
  let best = {ms: 0, file: undefined as string | undefined}
  if (!existsSync(dir)) return best
  for (const e of readdirSync(dir, {withFileTypes: true, recursive: true})) {
    if (!e.isFile()) continue
    const f = path.join(e.parentPath, e.name)
    if (!test(f)) continue
    const ms = statSync(f).mtimeMs
    if (ms > best.ms) best = {ms, file: f}
  }
  return best
}

/** Copy the built CLI aside so that a rebuild during the run does not change what is measured. */
function snapshotApp(): {bin: string, notes: string[]} {
  const notes: string[] = []
  if (process.env.BENCH_BUILD === '1') {
    log('npm run build')
    const r = spawnSync('npm', ['run', 'build'], {cwd: ROOT, encoding: 'utf8'})
    if (r.status !== 0) throw new Error(`npm run build failed: ${lastLines(`${r.stdout}${r.stderr}`, 5)}`)
  }
  if (!existsSync(path.join(ROOT, 'dist/cli/commands/push.js'))) {
    throw new Error('dist/ is missing or incomplete: run `npm run build` first (or BENCH_BUILD=1)')
  }
  const src = ['agent', 'cli', 'proto']
    .map(d => newestMtime(path.join(ROOT, d), f => f.endsWith('.ts') || f.endsWith('.proto') || f.endsWith('.cjs')))
    .reduce((a, b) => (b.ms > a.ms ? b : a))
  const dist = newestMtime(path.join(ROOT, 'dist'), () => true)
  const git = spawnSync('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'], {encoding: 'utf8'}).stdout?.trim()
  const dirty = spawnSync('git', ['-C', ROOT, 'status', '--porcelain', '--', 'agent', 'cli', 'proto', 'bin'], {encoding: 'utf8'})
    .stdout?.split('\n').filter(l => l.trim()).map(l => l.slice(3)) ?? []
  notes.push(`Code: git ${git || 'unknown'}${dirty.length ? ` with uncommitted changes in ${dirty.join(', ')}` : ''}; ` +
    `dist/ built ${new Date(dist.ms).toISOString()}`)
  if (src.ms > dist.ms + 1000) {
    const w = `dist/ is older than ${path.relative(ROOT, src.file ?? '')} (modified ${new Date(src.ms).toISOString()}): ` +
      'these numbers are for the last build, not the current sources'
    log(`WARNING: ${w}`)
    notes.push(`**Warning: ${w}.**`)
  }
  rmSync(APP_DIR, {recursive: true, force: true})
  mkdirSync(APP_DIR, {recursive: true})
  // What an install carries (package.json "files", as `blockpair install` copies them):
  // the hashing addon and the oclif manifest included, or the run measures a slower CLI.
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {files: string[]}
  for (const f of ['package.json', 'oclif.manifest.json', ...pkg.files]) {
    if (existsSync(path.join(ROOT, f))) cpSync(path.join(ROOT, f), path.join(APP_DIR, f), {recursive: true})
  }
  const addon = existsSync(path.join(APP_DIR, 'agent/disk/addon/build/Release/blockhash.node'))
  if (!addon) log('WARNING: agent/disk/addon is not built: hashing falls back to xxhash-addon')
  notes.push(`Native hashing addon (agent/disk/addon): ${addon ? 'built and used' : '**not built: xxhash-addon fallback, slower**'}`)
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(APP_DIR, 'node_modules'))
  return {bin: path.join(APP_DIR, 'bin/run.js'), notes}
}

function scaled(s: Sizes, f: number): Sizes {
  const dense = Math.max(MiB, Math.floor(s.dense / f / MiB) * MiB)
  const sparseData = Math.max(s.extent, Math.floor(s.sparseData / f / s.extent) * s.extent)
  const sparseApparent = Math.max(sparseData * 2, Math.floor(s.sparseApparent / f / s.extent) * s.extent)
  const lanDense = Math.max(MiB, Math.floor(s.lanDense / f / MiB) * MiB)
  const bigSparseApparent = Math.max(sparseData * 2, Math.floor(s.bigSparseApparent / f / s.extent) * s.extent)
  const trackDense = Math.max(MiB, Math.floor(s.trackDense / f / MiB) * MiB)
  return {small: s.small, dense, sparseApparent, sparseData, extent: s.extent, lanDense, bigSparseApparent, trackDense}
}

function dataSetFor(sizes: Sizes, cases: readonly CaseDef[]): DataSet {
  const ds = new DataSet(DATA_DIR, dataDefs(sizes), log)
  for (const c of cases) for (const d of c.defs?.(sizes) ?? []) ds.add(d)
  return ds
}

/** Disk (all data at once, plus a destination) and page cache (the largest case) these sizes need. */
function needs(sizes: Sizes, cases: readonly CaseDef[]): {disk: number, mem: number} {
  const ds = dataSetFor(sizes, cases)
  let disk = 0
  let mem = 0
  for (const c of cases) {
    const ids = c.data(sizes)
    const sizesOf = ids.map(id => ds.def(id).disk)
    const dst = Math.max(0, ...sizesOf)
    disk = Math.max(disk, ds.diskFor(cases.flatMap(x => x.data(sizes))) + dst)
    mem = Math.max(mem, sizesOf.reduce((a, b) => a + b, 0) + dst)
  }
  return {disk: disk + 256 * MiB, mem: mem + 512 * MiB}
}

function chooseSizes(cases: readonly CaseDef[]): {sizes: Sizes, note?: string} {
  const base = QUICK ? QUICK_SIZES : FULL_SIZES
  const free = statfsSync(BENCH_DIR).bavail * statfsSync(BENCH_DIR).bsize
  const avail = memAvailable()
  const full = needs(base, cases)
  for (let f = SCALE; f <= 64 * SCALE; f *= 2) {
    const sizes = scaled(base, f)
    const n = needs(sizes, cases)
    if (n.disk <= free * 0.9 && n.mem <= avail * 0.8) {
      if (f === SCALE) return {sizes, note: SCALE > 1 ? `sizes divided by ${SCALE} (BENCH_SCALE)` : undefined}
      const note = `sizes divided by ${f}: the full sizes need ${fmtBytes(full.disk)} of disk (${fmtBytes(free)} free in ${BENCH_DIR}) ` +
        `and ${fmtBytes(full.mem)} of page cache (${fmtBytes(avail)} available)`
      log(`WARNING: ${note}`)
      return {sizes, note}
    }
  }
  throw new Error(`not enough disk (${fmtBytes(free)} free in ${BENCH_DIR}) or memory (${fmtBytes(avail)} available) ` +
    `even at 1/64 of the full sizes (which need ${fmtBytes(full.disk)} and ${fmtBytes(full.mem)})`)
}

// ---- per-run steps ------------------------------------------------------------

/** Read files into the page cache: whole files with cat, sparse ones only where their data is; run the warm-up commands. */
async function warm(items: readonly WarmItem[]): Promise<void> {
  for (const w of items) {
    if ('argv' in w) {
      await must(w.argv, {discardStdout: true, timeoutMs: RUN_TIMEOUT_MS})
      continue
    }
    if (!existsSync(w.path)) continue
    if (!w.ranges) {
      await must(['cat', w.path], {discardStdout: true, timeoutMs: RUN_TIMEOUT_MS})
      continue
    }
    const fh = await open(w.path, 'r')
    const buf = Buffer.allocUnsafe(4 * MiB)
    try {
      for (const r of w.ranges) {
        for (let off = 0; off < r.length; off += buf.length) {
          await fh.read(buf, 0, Math.min(buf.length, r.length - off), r.offset + off)
        }
      }
    } finally {
      await fh.close()
    }
  }
}

function removeDst(dst: string): void {
  rmSync(dst, {force: true})
  // rsync without --inplace writes a temp file next to the destination.
  const dir = path.dirname(dst)
  const prefix = `.${path.basename(dst)}.`
  for (const f of readdirSync(dir)) if (f.startsWith(prefix)) rmSync(path.join(dir, f), {force: true})
}

/** Why dst differs from src, or undefined when identical. `sparse`: compare the data extents only (cmp where they cannot be listed). */
async function differs(src: string, dst: string, sparse = false): Promise<string | undefined> {
  if (!existsSync(dst)) return 'the destination does not exist'
  if (sparse) {
    const why = await sparseDiffers(src, dst)
    if (why !== null) return why
  }
  const r = await run(['cmp', src, dst], {timeoutMs: RUN_TIMEOUT_MS})
  if (r.code === 0) return undefined
  return lastLines(`${r.stdout}\n${r.stderr}`, 1) || failure(r, RUN_TIMEOUT_MS) || 'cmp failed'
}

function parseSummary(stdout: string): Record<string, unknown> | undefined {
  const line = stdout.trim().split('\n').reverse().find(l => l.startsWith('{'))
  if (!line) return undefined
  try {
    return JSON.parse(line) as Record<string, unknown>
  } catch {
    return undefined
  }
}

// ---- ssh ----------------------------------------------------------------------

async function ensureSsh(env: Env): Promise<void> {
  if (env.ssh) return
  try {
    const helper = await import('../helpers/sshd.js')
    const reason = helper.sshdSkipReason()
    if (reason) {
      env.ssh = {unavailable: reason}
      return
    }
    // The helper registers its clean-up on a tap test; give it ours.
    const t = {teardown: (fn: () => unknown) => teardowns.push(fn)} as unknown as Test
    const sshd = await helper.startSshd(t)
    const argv = [...sshd.sshCommand.split(/\s+/), sshd.target]
    const probe = await run([...argv, 'true'], {timeoutMs: 30_000})
    const why = failure(probe, 30_000)
    // The listening sshd's pid, for the CPU of the sessions it runs (the far end of the ssh stream).
    const pidFile = path.join(sshd.dir, 'sshd.pid')
    const pid = existsSync(pidFile) ? Number.parseInt(readFileSync(pidFile, 'utf8'), 10) || undefined : undefined
    if (!pid) log(`no pid in ${pidFile}: the ssh stream's CPU counts the client only`)
    env.ssh = why ? {unavailable: `ssh to the throwaway sshd failed: ${why}`} : {argv, pid}
    if (!why) log(`sshd on 127.0.0.1:${sshd.port} for the ssh stream`)
  } catch (e) {
    env.ssh = {unavailable: `could not start sshd: ${message(e)}`}
  }
  if ('unavailable' in env.ssh) log(`ssh stream not available: ${env.ssh.unavailable}`)
}

// ---- one case -------------------------------------------------------------------

async function runCase(def: CaseDef, env: Env, haveTime: boolean): Promise<CaseResult> {
  const s = env.sizes
  const dst = path.join(DATA_DIR, `dst-${def.id}.img`)
  const rssFile = path.join(BENCH_DIR, 'rss.txt')
  const noCold = dropCachesMissing()
  const coldRounds = noCold ? 0 : def.coldTarget ? COLD_RUNS : 1
  const base = {def, title: def.title(s), about: def.about(env), tools: [] as ToolResult[], rounds: RUNS, coldRounds, agentNotes: [] as string[], noCold}
  log(`case ${def.id}: ${base.title}`)
  const lanMissing = def.lan ? lanUnavailable() : undefined
  if (lanMissing) {
    log(`case ${def.id} not available: ${lanMissing}`)
    return {...base, unavailable: lanMissing, targets: []}
  }
  try {
    for (const id of def.data(s)) await env.data.need(id)
    if (def.startFrom) await env.data.need(def.startFrom)
  } catch (e) {
    return {...base, error: `could not make the data: ${message(e)}`, targets: []}
  }
  if (def.ssh) await ensureSsh(env)

  // The emulated link: set up for the case, torn down after it (and at exit, and by the next lanUp if this process dies).
  let lanSshd: NsSshd | undefined
  const lanTeardown = async () => {
    await lanSshd?.stop()
    lanSshd = undefined
    env.lan = undefined
    if (lanActive) lanDown()
    lanActive = false
  }
  if (def.lan) {
    try {
      lanActive = true
      const lan = lanUp()
      let ssh: NsSshd | {unavailable: string} = {unavailable: 'not needed by this case'}
      if (def.lan.ssh) {
        try {
          ssh = lanSshd = await startNsSshd(path.join(BENCH_DIR, 'lan-sshd'))
        } catch (e) {
          ssh = {unavailable: `sshd in ${NS_B}: ${message(e)}`}
          log(`ssh over the link not available: ${ssh.unavailable}`)
        }
      }
      env.lan = {...lan, ssh}
      base.agentNotes.push(...lan.notes)
      log(`emulated link up: ${lan.notes.join('; ')}`)
    } catch (e) {
      await lanTeardown()
      const why = `could not set up the emulated link: ${message(e)}`
      log(`case ${def.id} not available: ${why}`)
      return {...base, unavailable: why, targets: []}
    }
  }

  const agents = new Map<string, {spec: AgentSpec, agent?: Agent, error?: string, peakKiB?: number}>()
  const keepPeaks = () => {
    for (const a of agents.values()) {
      const k = a.agent?.hwmKiB()
      if (k !== undefined) a.peakKiB = Math.max(a.peakKiB ?? 0, k)
    }
  }
  const startAgent = async (spec: AgentSpec) => {
    const a = agents.get(spec.key) ?? {spec}
    agents.set(spec.key, a)
    try {
      a.agent = await Agent.start(env.bin, env.psk, DATA_DIR, spec.where)
      a.error = undefined
    } catch (e) {
      a.error = `agent${spec.key === LOOPBACK_AGENT.key ? '' : ` (${spec.key})`} failed to start: ${message(e)}`
      base.agentNotes.push(a.error)
      log(a.error)
    }
    return a
  }
  /** The case's running agent for this spec, started again if it died. */
  const liveAgent = async (spec: AgentSpec, round: number) => {
    let a = agents.get(spec.key) ?? await startAgent(spec)
    if (a.agent && !a.agent.alive) {
      base.agentNotes.push(`round ${round + 1}: ${a.agent.deathNote}; started a new one`)
      a = await startAgent(spec)
    }
    if (!a.agent?.alive) throw new Error(a.error ?? 'the agent is not running')
    return a.agent
  }

  let setup: CaseSetup = {}
  try {
    setup = await def.setup?.(env) ?? {}
  } catch (e) {
    return {...base, error: `could not set the case up: ${message(e)}`, targets: []}
  }
  const caseTeardown = async () => {
    const undo = setup.teardown
    setup.teardown = undefined
    await undo?.()
  }
  teardowns.push(caseTeardown)
  base.agentNotes.push(...setup.notes ?? [])
  if (setup.unavailable) {
    await caseTeardown()
    log(`case ${def.id} not available: ${setup.unavailable}`)
    return {...base, unavailable: setup.unavailable, targets: []}
  }

  let tools: ToolResult[] = []
  try {
    tools = def.tools(env, dst).map(d => ({def: d, runs: []}))
    base.tools = tools
    const verifyEveryRun = Math.max(s.dense, def.id.startsWith('sparse') ? s.sparseApparent : 0) <= VERIFY_EVERY_RUN_BELOW
    for (const t of tools) {
      const spec = t.def.agent
      if (spec && !t.def.unavailable && !agents.has(spec.key)) await startAgent(spec)
    }

    removeDst(dst)
    let dstDirty = true
    // One timed run of one tool: the destination's starting state, everything flushed,
    // then the files read into the page cache (warm) or the page cache dropped (cold)
    // right before the tool starts, so that nothing else runs in between.
    const runOnce = async (t: ToolResult, round: number, cold: boolean) => {
      const rec: RunRecord = {round, cold: cold || undefined}
      t.runs.push(rec)
      try {
        if (def.startFrom) {
          if (dstDirty || !existsSync(dst)) await copySparse(env.data.path(def.startFrom), dst)
        } else {
          removeDst(dst)
        }
        dstDirty = false
        const agent = t.def.agent ? await liveAgent(t.def.agent, round) : undefined
        const anyAgent = agent ?? [...agents.values()].find(a => a.agent?.alive)?.agent
        await def.prepare?.(env, t.def, {port: anyAgent?.port})
        if (cold) {
          const settle = await dropCaches(COLD_SETTLE !== 'sync')
          if (settle && !settle.settled) rec.unsettled = settle.unwritten
          // Only the data is cold: the tool's own code (node, the CLI's dist/ and
          // runtime modules; a C tool's binary and libraries) is read back first,
          // or the first tool of a case pays for what the next ones share.
          warmCode(t.def.argv({port: agent?.port}))
          if (COLD_SETTLE === 'reporting' && def.coldTarget) {
            const q = await settleFreePageReporting()
            rec.reportingMs = q.ms
            if (!q.quiet) rec.reportingBusy = true
          }
        } else {
          await must(['sync'])
          await warm(def.warm(env, dst))
        }
        const sidePid = t.def.sidePid?.()
        const reported0 = cold ? reportedKiB() : undefined
        const side0 = agent ? agent.cpuSec() : treeCpuSec(sidePid)
        const r = await run(t.def.argv({port: agent?.port}), {
          rssFile: haveTime ? rssFile : undefined,
          stdinFile: t.def.stdinFile,
          timeoutMs: RUN_TIMEOUT_MS,
        })
        const side1 = agent ? agent.cpuSec() : treeCpuSec(sidePid)
        const reported1 = reported0 === undefined ? undefined : reportedKiB()
        if (reported1 !== undefined) rec.reportedKiB = reported1 - reported0!
        if (side0 !== undefined && side1 !== undefined) rec.cpuSideSec = side1 - side0
        rec.cpuSec = Number.isFinite(r.cpuSec) ? r.cpuSec + (rec.cpuSideSec ?? 0) : undefined
        if (t.def.writesDst) dstDirty = true
        rec.rssKiB = r.rssKiB
        rec.rchar = r.rchar
        const why = failure(r, RUN_TIMEOUT_MS)
        if (r.timedOut) t.skipped = `timed out in round ${round + 1}, later runs skipped`
        if (t.def.agent || t.def.json) {
          const sum = parseSummary(r.stdout)
          if (sum && sum.ok === true && !why) rec.summary = sum
          else if (sum && sum.ok === false) rec.error = `exit ${r.code}: ${String(sum.code)}: ${String(sum.message)}`
          else rec.error = why ?? `no JSON summary on stdout: ${lastLines(r.stdout + r.stderr, 2)}`
          if (!agent?.alive && agent) base.agentNotes.push(`round ${round + 1}: ${agent.deathNote}`)
        } else if (why) {
          rec.error = why
        }
        if (rec.error === undefined) await check(t, rec, r.ms)
      } catch (e) {
        rec.error = message(e)
        dstDirty = true
      }
      // An agent that died keeps its peak only if read before; read it after every run.
      keepPeaks()
      const what = rec.ms !== undefined ? `${(rec.ms / 1000).toFixed(2)} s, CPU ${rec.cpuSec?.toFixed(2) ?? '–'} s` : `FAILED ${rec.error}`
      const unsettled = `${rec.unsettled === undefined ? '' : ` (writeback did not settle: ${fmtBytes(rec.unsettled)} dirty)`}` +
        `${rec.reportedKiB ? ` (${fmtBytes(rec.reportedKiB * 1024)} of free memory handed to the host during the run)` : ''}` +
        `${rec.reportingMs === undefined ? '' : ` (free page reporting ${rec.reportingBusy ? 'still busy after' : 'quiet after'} ${(rec.reportingMs / 1000).toFixed(1)} s)`}`
      log(`  ${def.id} ${cold ? `cold round ${round - RUNS + 1}/${coldRounds}` : `round ${round + 1}/${RUNS}`} ${t.def.name}: ${what}${unsettled}`)
    }
    /** After a successful run: the destination's allocation, and whether it equals the source. */
    const check = async (t: ToolResult, rec: RunRecord, ms: number) => {
      const out = t.def.dst ?? dst
      if (t.def.writesDst && existsSync(out)) rec.allocated = statSync(out).blocks * 512
      if (t.def.verify && (verifyEveryRun || !t.runs.some(x => x.verified))) {
        const diff = await differs(t.def.verify, out, t.def.verifySparse)
        if (diff) rec.error = `the destination differs from the source after the run (${diff})`
        else rec.verified = true
      }
      if (rec.error === undefined) rec.ms = ms
    }
    // Warm rounds, then the cold ones; the order of the tools rotates from round to round.
    if (base.noCold) log(`  ${def.id}: no cold round (${base.noCold})`)
    for (let round = 0; round < RUNS + coldRounds; round++) {
      const cold = round >= RUNS
      const order = tools.map((_, i) => tools[(i + round) % tools.length]!)
      for (const t of order) if (!t.def.unavailable && !t.skipped) await runOnce(t, round, cold)
    }
  } finally {
    keepPeaks()
    for (const a of agents.values()) await a.agent?.stop()
    await lanTeardown()
    removeDst(dst)
    await caseTeardown()
  }
  const agentKiBs: Record<string, number> = {}
  for (const [k, a] of agents) if (a.peakKiB !== undefined) agentKiBs[k] = a.peakKiB
  const mainAgent = tools.find(t => t.def.name === (def.subject ?? BLOCKPAIR))?.def.agent?.key ?? LOOPBACK_AGENT.key
  const result = {...base, agentKiB: agentKiBs[mainAgent], agentKiBs}
  return {...result, targets: def.targets?.(measured(result), env) ?? []}
}

// ---- main ------------------------------------------------------------------------

async function cleanup(): Promise<void> {
  if (cleaned) return
  cleaned = true
  killAllSync()
  if (lanActive) {
    lanDown()
    lanActive = false
  }
  for (const f of teardowns.splice(0)) {
    try {
      await f()
    } catch {}
  }
  if (!KEEP) {
    rmSync(DATA_DIR, {recursive: true, force: true})
    rmSync(APP_DIR, {recursive: true, force: true})
    rmSync(path.join(BENCH_DIR, 'rss.txt'), {force: true})
    rmSync(path.join(BENCH_DIR, 'lan-sshd'), {recursive: true, force: true})
    try {
      if (readdirSync(BENCH_DIR).length === 0) rmSync(BENCH_DIR, {recursive: true})
    } catch {}
  } else {
    log(`kept ${BENCH_DIR} (BENCH_KEEP=1)`)
  }
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(sig, () => {
    log(`${sig}: stopping, cleaning up`)
    void cleanup().finally(() => process.exit(130))
  })
}
process.on('exit', () => {
  killAllSync()
  if (lanActive) lanDown()
  if (!cleaned && !KEEP) rmSync(DATA_DIR, {recursive: true, force: true})
})

async function main(): Promise<void> {
  const wanted = process.env.BENCH_CASES?.split(',').map(x => x.trim()).filter(Boolean)
  const cases = wanted ? CASES.filter(c => wanted.includes(c.id)) : CASES
  if (wanted) {
    const unknown = wanted.filter(w => !CASES.some(c => c.id === w))
    if (unknown.length) throw new Error(`BENCH_CASES: unknown case ${unknown.join(', ')} (cases: ${CASES.map(c => c.id).join(', ')})`)
  }

  mkdirSync(BENCH_DIR, {recursive: true})
  rmSync(DATA_DIR, {recursive: true, force: true})
  mkdirSync(DATA_DIR, {recursive: true})
  const fstype = fsType(DATA_DIR)
  const tmpType = fsType(os.tmpdir())
  log(`data in ${DATA_DIR} (${fstype}; ${os.tmpdir()} is ${tmpType})`)
  const setupNotes: string[] = []
  if (fstype === 'tmpfs' || fstype === 'overlay') {
    setupNotes.push(`**Warning: the data folder is on ${fstype}, not a disk filesystem: sparse files and fdatasync behave differently.**`)
  }

  const load = (l: number[]) => l.map(x => x.toFixed(1)).join(' ')
  const loadStart = os.loadavg()
  if (loadStart[0]! > os.availableParallelism() / 2) {
    log(`WARNING: load average ${load(loadStart)} on ${os.availableParallelism()} CPUs: other work is running, expect noisy times`)
  }
  const {sizes, note: scaleNote} = chooseSizes(cases)
  const {bin, notes: buildNotes} = snapshotApp()

  const timeMissing = gnuTimeMissing()
  if (timeMissing) {
    log(`WARNING: ${timeMissing}: no peak RSS figures`)
    setupNotes.push(`**No peak RSS of the tools: ${timeMissing}.**`)
  }
  const rsyncVersion = toolVersion(['rsync', '--version'])
  const rsyncMissing = rsyncVersion ? undefined : 'rsync is not installed (apt-get install -y rsync)'
  if (rsyncMissing) log(`WARNING: ${rsyncMissing}`)

  const psk = path.join(DATA_DIR, 'bench.psk')
  await must([process.execPath, bin, 'keygen', '--out', psk, '--quiet'])

  const env: Env = {sizes, data: dataSetFor(sizes, cases), bin, psk, layout: sparseLayout(sizes), bigLayout: bigSparseLayout(sizes), rsyncMissing}
  const results: CaseResult[] = []
  for (const [i, c] of cases.entries()) {
    try {
      results.push(await runCase(c, env, !timeMissing))
    } catch (e) {
      results.push({def: c, title: c.title(sizes), about: c.about(env), tools: [], rounds: RUNS, coldRounds: 0, agentNotes: [], error: message(e), targets: []})
    }
    // Free the disk (and page cache) of data no later case needs.
    env.data.release(env.data.closure(cases.slice(i + 1).flatMap(x => [...x.data(sizes), ...(x.startFrom ? [x.startFrom] : [])])))
  }

  const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
  const sshVersion = spawnSync('ssh', ['-V'], {encoding: 'utf8'}).stderr?.trim()
  const envVars = Object.entries(process.env).filter(([k]) => k.startsWith('BENCH_')).map(([k, v]) => `${k}=${v}`)
  const report = renderReport({
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    command: [...envVars, 'npm run bench'].join(' '),
    machine: [
      `Machine: ${os.availableParallelism()} CPUs (nproc), ${cpu}; ${fmtBytes(os.totalmem())} memory; Linux ${os.release()}; Node ${process.version}`,
      `Load average (1, 5, 15 min) at the start: ${load(loadStart)}; at the end: ${load(os.loadavg())} ` +
        `(other work on the machine makes absolute times noisier; the paired ratios less so)`,
      `Filesystem of the data: ${fstype}; tools: ${rsyncVersion ?? 'rsync missing'}; ${sshVersion || 'ssh missing'}; ${toolVersion(['cp', '--version']) ?? 'cp'}`,
    ],
    build: buildNotes,
    sizes: `dense ${fmtBytes(sizes.dense)}; sparse ${fmtBytes(sizes.sparseApparent)} apparent with ${fmtBytes(sizes.sparseData)} of data in ${fmtBytes(sizes.extent)} extents; ` +
      `link full copy ${fmtBytes(sizes.lanDense)} dense; tracked ${fmtBytes(sizes.trackDense)} dense on XFS; big sparse ${fmtBytes(sizes.bigSparseApparent)} apparent with the same data`,
    scaleNote,
    dataDir: `${path.relative(ROOT, DATA_DIR) || DATA_DIR} (${fstype}), removed at the end unless BENCH_KEEP=1`,
    setupNotes,
    quick: QUICK,
    runs: RUNS,
    coldRuns: COLD_RUNS,
    coldSettle: COLD_SETTLE,
    totalSec: (Date.now() - started) / 1000,
    analysis: existsSync(path.join(ROOT, 'test/bench/ANALYSIS.md')) ? readFileSync(path.join(ROOT, 'test/bench/ANALYSIS.md'), 'utf8') : undefined,
  }, results)
  process.stdout.write(report)
  if (OUT) {
    writeFileSync(OUT, report)
    log(`wrote ${OUT}`)
  } else {
    log('quick run: no file written (set BENCH_OUT=FILE to write one)')
  }
}

try {
  await main()
} catch (e) {
  log(`FAILED: ${message(e)}`)
  process.exitCode = 1
} finally {
  await cleanup()
}
log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`)
