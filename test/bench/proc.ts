// Child processes for the benchmark: timed runs (wall clock, CPU and peak RSS through
// GNU time, bytes read through /proc/self/io), untimed helpers, and the blockpair agent.
// CPU is user+sys of every process involved: a command's own rusage covers it and
// every descendant it waited for; long-running helpers (the agent, an sshd) are
// measured as the change of their process tree's CPU around the run (treeCpuSec).
// Every child gets its own process group and is tracked, so that a timeout, an
// error or Ctrl-C kills it and anything it started.

import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {accessSync, closeSync, constants, existsSync, openSync, readFileSync, readSync, readdirSync, realpathSync, rmSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {performance} from 'node:perf_hooks'

const live = new Set<ChildProcess>()

function killGroup(c: ChildProcess, sig: NodeJS.Signals): void {
  if (c.pid === undefined || c.exitCode !== null || c.signalCode !== null) return
  try {
    process.kill(-c.pid, sig)
  } catch {
    try {
      c.kill(sig)
    } catch {}
  }
}

/** Kill every child still running (synchronous: usable from an 'exit' handler). */
export function killAllSync(): void {
  for (const c of live) killGroup(c, 'SIGKILL')
}

export const GNU_TIME = '/usr/bin/time'

/** Why GNU time cannot be used, or undefined when it can. */
export function gnuTimeMissing(): string | undefined {
  if (!existsSync(GNU_TIME)) return `${GNU_TIME} is missing (apt-get install -y time)`
  const r = spawnSync(GNU_TIME, ['--version'], {encoding: 'utf8'})
  if (!`${r.stdout}${r.stderr}`.includes('GNU')) return `${GNU_TIME} is not GNU time (apt-get install -y time)`
  return undefined
}

/** Clock ticks per second of /proc/PID/stat times (USER_HZ; 100 on Linux everywhere that matters). */
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], {encoding: 'utf8'}).stdout?.trim()) || 100

interface Stat {
  ppid: number
  /** utime + stime: the process's own CPU, seconds. */
  own: number
  /** cutime + cstime: CPU of the children it has waited for (and theirs), seconds. */
  reaped: number
}

/** Fields of /proc/PID/stat after the command name (which may hold spaces and parentheses). */
function readStat(pid: number | 'self'): Stat | undefined {
  let text: string
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return undefined
  }
  // After ") ": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ').map(Number)
  return {ppid: f[1]!, own: (f[11]! + f[12]!) / CLK_TCK, reaped: (f[13]! + f[14]!) / CLK_TCK}
}

/**
 * CPU seconds used so far by `root` and all its descendants: each live process's
 * own time plus what it has reaped. A descendant that exits and is waited for moves
 * its time into its parent's `reaped`, so the sum only grows; the difference around
 * a run is what the tree spent on it (--workers children included).
 */
export function treeCpuSec(root: number | undefined): number | undefined {
  if (root === undefined || !readStat(root)) return undefined
  const stats = new Map<number, Stat>()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    const st = readStat(Number(name))
    if (st) stats.set(Number(name), st)
  }
  const children = new Map<number, number[]>()
  for (const [pid, st] of stats) children.set(st.ppid, [...(children.get(st.ppid) ?? []), pid])
  let sum = 0
  const todo = [root]
  for (let pid = todo.pop(); pid !== undefined; pid = todo.pop()) {
    const st = stats.get(pid)
    if (st) sum += st.own + st.reaped
    todo.push(...(children.get(pid) ?? []))
  }
  return sum
}

/** CPU seconds of this process's children that it has waited for. */
function reapedCpuSec(): number {
  return readStat('self')?.reaped ?? NaN
}

/** Why the page cache cannot be dropped for the cold rounds, or undefined when it can. */
export function dropCachesMissing(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root: /proc/sys/vm/drop_caches needs root'
  try {
    accessSync('/proc/sys/vm/drop_caches', constants.W_OK)
  } catch {
    return '/proc/sys/vm/drop_caches is not writable (a container?)'
  }
  return undefined
}

/** Bytes of the machine's page cache that are dirty or being written back (/proc/meminfo). */
export function unwrittenBytes(): number {
  const info = readFileSync('/proc/meminfo', 'utf8')
  const kB = (key: string) => Number(new RegExp(`^${key}:\\s*(\\d+)\\s*kB`, 'm').exec(info)?.[1] ?? 0)
  return (kB('Dirty') + kB('Writeback')) * 1024
}

/** What the writeback settle found: bytes still unwritten when it stopped, how long it took, whether it got below the limit. */
export interface Settle {
  unwritten: number
  ms: number
  settled: boolean
}

/** Below this much dirty + writeback data the machine counts as quiet for a cold run. */
const SETTLE_LIMIT = 32 * 1024 * 1024
const SETTLE_SYNCS = 8

/**
 * `sync` until the machine's dirty and writeback pages are below SETTLE_LIMIT (at most
 * SETTLE_SYNCS times): each sync returns when the writeback it started has finished,
 * so this waits on the kernel, not on a clock. Other work on the machine can keep
 * dirtying pages; then it gives up and says how much was left.
 */
export async function settleWriteback(): Promise<Settle> {
  const t0 = performance.now()
  let unwritten = unwrittenBytes()
  for (let i = 0; i < SETTLE_SYNCS && (i === 0 || unwritten > SETTLE_LIMIT); i++) {
    await must(['sync'])
    unwritten = unwrittenBytes()
  }
  return {unwritten, ms: performance.now() - t0, settled: unwritten <= SETTLE_LIMIT}
}

/** Where a kernel with free page reporting (virtio-balloon) counts what it has handed back to the host. */
const REPORTED_KIB = '/sys/module/page_reporting/parameters/reported_kib'
/** The kernel reports free pages 2 s after they are freed (PAGE_REPORTING_DELAY); quiet = unchanged for longer. */
const REPORTING_QUIET_MS = 2500
const REPORTING_WAIT_MS = 30_000

/** KiB of free memory the guest has handed back to the host so far; undefined without free page reporting. */
export function reportedKiB(): number | undefined {
  try {
    return Number(readFileSync(REPORTED_KIB, 'utf8'))
  } catch {
    return undefined
  }
}

/** What the wait for free page reporting found: KiB the guest handed back meanwhile, how long it took, whether it went quiet. */
export interface Reporting {
  reportedKiB: number
  ms: number
  quiet: boolean
}

/**
 * On a VM whose balloon driver reports free pages to the host, memory freed by
 * drop_caches is handed back to the host from 2 s after the drop, and every page
 * the host took back costs a fault into the hypervisor when the page cache fills
 * it again (2.5-6 s of CPU per GiB here, against 0.1 s for memory it still backs).
 * A cold run that starts before the reporting is done gets fast or slow memory
 * depending on how long it runs and when it starts: the main source of the cold
 * round's swing (ANALYSIS.md, "s5bench"). Waiting until the reporting goes quiet
 * (its counter unchanged for longer than its delay, polled; at most REPORTING_WAIT_MS)
 * makes every cold run fill host-reclaimed memory: steady, but slow (a cold cat of
 * 2 x 2 GiB took 22-27 s instead of ~1.4 s), and then the host's faults, not the
 * tool, set the figure; so only BENCH_COLD_SETTLE=reporting asks for it. Without
 * the counter (bare metal, other kernels) it returns at once.
 */
export async function settleFreePageReporting(): Promise<Reporting> {
  const t0 = performance.now()
  const first = reportedKiB()
  if (first === undefined) return {reportedKiB: 0, ms: 0, quiet: true}
  let last = first
  let since = t0
  for (;;) {
    await new Promise(r => setTimeout(r, 100))
    const now = performance.now()
    const cur = reportedKiB() ?? last
    if (cur !== last) {
      last = cur
      since = now
    }
    const quiet = now - since >= REPORTING_QUIET_MS
    if (quiet || now - t0 >= REPORTING_WAIT_MS) return {reportedKiB: last - first, ms: now - t0, quiet}
  }
}

/**
 * Write dirty pages (`settle`: until the machine is quiet, see settleWriteback; else one
 * sync), then drop the page cache, dentries and inodes of the whole machine.
 */
export async function dropCaches(settle = false): Promise<Settle | undefined> {
  const s = settle ? await settleWriteback() : (await must(['sync']), undefined)
  writeFileSync('/proc/sys/vm/drop_caches', '3\n')
  return s
}

/** Bytes this process and its reaped children have read with read() and friends (rchar). */
export function selfRchar(): number {
  const m = /^rchar:\s*(\d+)/m.exec(readFileSync('/proc/self/io', 'utf8'))
  return m ? Number(m[1]) : NaN
}

export interface RunOptions {
  /** A file to give the command as stdin (else /dev/null). */
  stdinFile?: string
  /** Send stdout to /dev/null instead of capturing it. */
  discardStdout?: boolean
  /** Kill the whole process group after this long. */
  timeoutMs?: number
  /** Run under GNU time and write its report here (CPU seconds and peak RSS in KiB). */
  rssFile?: string
}

export interface RunResult {
  /** Wall clock from spawn to exit. */
  ms: number
  code: number | null
  signal: string | null
  stdout: string
  /** The last 8 KiB of stderr. */
  stderr: string
  /** Peak RSS of the command (largest of its processes), KiB; with rssFile only. */
  rssKiB?: number
  /**
   * User+sys CPU seconds of the command and every descendant that was waited for
   * (the rusage wait4 reports): from GNU time, else from this process's reaped-children
   * times around the run (no other child of the benchmark exits during a run).
   */
  cpuSec: number
  /** Bytes read by the command and its children (rchar): files, pipes and sockets alike. */
  rchar: number
  timedOut: boolean
  spawnError?: string
}

export async function run(argv: readonly string[], o: RunOptions = {}): Promise<RunResult> {
  if (o.rssFile) rmSync(o.rssFile, {force: true})
  const full = o.rssFile ? [GNU_TIME, '-f', '%U %S %M', '-o', o.rssFile, ...argv] : [...argv]
  const [cmd, ...args] = full
  if (cmd === undefined) throw new Error('run: empty command')
  const stdinFd = o.stdinFile !== undefined ? openSync(o.stdinFile, 'r') : undefined
  const nullFd = o.discardStdout ? openSync('/dev/null', 'w') : undefined
  let stdout = ''
  let stderr = ''
  let timedOut = false
  const rchar0 = selfRchar()
  const reaped0 = reapedCpuSec()
  const t0 = performance.now()
  let tExit: number | undefined
  const child = spawn(cmd, args, {detached: true, stdio: [stdinFd ?? 'ignore', nullFd ?? 'pipe', 'pipe']})
  live.add(child)
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    if (stdout.length < 4 * 1024 * 1024) stdout += d
  })
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-8192)
  })
  child.once('exit', () => {
    tExit = performance.now()
  })
  const timer = o.timeoutMs
    ? setTimeout(() => {
      timedOut = true
      killGroup(child, 'SIGKILL')
    }, o.timeoutMs)
    : undefined
  const end = await new Promise<{code: number | null, signal: string | null, err?: Error}>(resolve => {
    child.once('error', err => resolve({code: null, signal: null, err}))
    child.once('close', (code, signal) => resolve({code, signal}))
  })
  const ms = (tExit ?? performance.now()) - t0
  if (timer) clearTimeout(timer)
  // Anything the command left behind in its group goes too.
  killGroup(child, 'SIGKILL')
  live.delete(child)
  const rchar = selfRchar() - rchar0
  if (stdinFd !== undefined) closeSync(stdinFd)
  if (nullFd !== undefined) closeSync(nullFd)
  let cpuSec = reapedCpuSec() - reaped0
  let rssKiB: number | undefined
  if (o.rssFile && existsSync(o.rssFile)) {
    // GNU time may write "Command exited with non-zero status N" before the figures.
    const m = /^([\d.]+) ([\d.]+) (\d+)$/.exec(readFileSync(o.rssFile, 'utf8').trim().split('\n').pop() ?? '')
    if (m) {
      cpuSec = Number(m[1]) + Number(m[2])
      rssKiB = Number(m[3])
    }
  }
  return {ms, code: end.code, signal: end.signal, stdout, stderr, rssKiB, cpuSec, rchar, timedOut, spawnError: end.err?.message}
}

/** Why a run failed, in one line, or undefined when it succeeded. */
export function failure(r: RunResult, timeoutMs?: number): string | undefined {
  if (r.spawnError) return `could not start: ${r.spawnError}`
  if (r.timedOut) return `timed out after ${Math.round((timeoutMs ?? 0) / 1000)} s`
  if (r.code === 0) return undefined
  const tail = lastLines(r.stderr, 2)
  return `${r.signal ? `killed by ${r.signal}` : `exit ${r.code}`}${tail ? `: ${tail}` : ''}`
}

export function lastLines(s: string, n: number): string {
  return s.trim().split('\n').slice(-n).join(' / ').replace(/\s+/g, ' ').slice(0, 300)
}

/** Run an untimed helper command; throw with its stderr if it fails. */
export async function must(argv: readonly string[], o: RunOptions = {}): Promise<RunResult> {
  const r = await run(argv, o)
  const why = failure(r, o.timeoutMs)
  if (why) throw new Error(`${argv.join(' ')}: ${why}`)
  return r
}

/** Start a long-lived helper (its own process group, killed with the others at exit); stdout ignored, stderr piped. */
export function spawnTracked(argv: readonly string[]): ChildProcess {
  const child = spawn(argv[0]!, argv.slice(1), {detached: true, stdio: ['ignore', 'ignore', 'pipe']})
  live.add(child)
  child.once('exit', () => live.delete(child))
  child.once('error', () => live.delete(child))
  return child
}

/** Peak RSS (VmHWM) of a live process, KiB. */
export function vmHwmKiB(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined
  try {
    const m = /^VmHWM:\s*(\d+)\s*kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) : undefined
  } catch {
    return undefined
  }
}

/** Where an agent runs: the address it listens on, and a command prefix (e.g. `ip netns exec NS`) that must exec, not fork. */
export interface AgentWhere {
  host: string
  wrap?: readonly string[]
  /** More arguments for `blockpair agent` (`--workers 2`). */
  args?: readonly string[]
}

/** A blockpair agent (on 127.0.0.1 unless told otherwise) with a free port, started from the benchmark's snapshot of the CLI. */
export class Agent {
  private stderrTail = ''

  private constructor(readonly child: ChildProcess, readonly port: number) {}

  static async start(bin: string, pskFile: string, allow: string, where: AgentWhere = {host: '127.0.0.1'}, timeoutMs = 30_000): Promise<Agent> {
    // The wrapper execs node (ip netns exec does), so the child's pid is the agent's and VmHWM is its own.
    const argv = [...(where.wrap ?? []), process.execPath, bin, 'agent', '--listen', `${where.host}:0`, '--psk-file', pskFile, '--allow', allow, ...(where.args ?? [])]
    const child = spawn(argv[0]!, argv.slice(1), {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    live.add(child)
    child.once('exit', () => live.delete(child))
    let out = ''
    let err = ''
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      err = (err + d).slice(-8192)
    })
    try {
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`agent did not say "listening" within ${timeoutMs / 1000} s: ${lastLines(err, 3)}`)), timeoutMs)
        child.stdout!.setEncoding('utf8').on('data', (d: string) => {
          out += d
          const m = /^listening \S+:(\d+)\s*$/m.exec(out)
          if (m) {
            clearTimeout(timer)
            resolve(Number(m[1]))
          }
        })
        child.once('error', e => {
          clearTimeout(timer)
          reject(e)
        })
        child.once('exit', (code, sig) => {
          clearTimeout(timer)
          reject(new Error(`agent exited at start-up (${sig ?? `exit ${code}`}): ${lastLines(err, 3)}`))
        })
      })
      const agent = new Agent(child, port)
      child.stderr!.removeAllListeners('data').on('data', (d: string) => {
        agent.stderrTail = (agent.stderrTail + d).slice(-8192)
      })
      child.stdout!.resume()
      return agent
    } catch (e) {
      killGroup(child, 'SIGKILL')
      throw e
    }
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null
  }

  /** Why the agent is gone, for a failed run's message. */
  get deathNote(): string {
    return `agent exited (${this.child.signalCode ?? `exit ${this.child.exitCode}`}): ${lastLines(this.stderrTail, 2)}`
  }

  hwmKiB(): number | undefined {
    return this.alive ? vmHwmKiB(this.child.pid) : undefined
  }

  /** CPU seconds of the agent and its worker processes so far (compare two readings). */
  cpuSec(): number | undefined {
    return this.alive ? treeCpuSec(this.child.pid) : undefined
  }

  async stop(): Promise<void> {
    if (!this.alive) return
    const gone = new Promise<void>(r => this.child.once('exit', () => r()))
    killGroup(this.child, 'SIGTERM')
    const t = setTimeout(() => killGroup(this.child, 'SIGKILL'), 3000)
    await gone
    clearTimeout(t)
  }
}

/**
 * The files a command runs from, not its data: its executable (found on PATH)
 * and the shared libraries it links; for a Node script, also the app's own
 * folder (bin/, dist/, package.json) and its runtime dependencies in
 * node_modules (package.json "dependencies", followed), not the dev tools.
 */
export function codeFiles(argv: readonly string[]): string[] {
  const exe = onPath(argv[0] ?? '')
  if (!exe) return []
  const files = [exe, ...sharedLibs(exe)]
  // Node may come later in the line (`ip netns exec NS node bin/run.js ...`).
  const at = argv.findIndex(a => a === process.execPath || path.basename(a) === 'node')
  const script = at >= 0 ? argv[at + 1] : undefined
  if (at > 0) files.push(process.execPath, ...sharedLibs(process.execPath))
  if (script && existsSync(script)) {
    const app = path.dirname(path.dirname(path.resolve(script)))
    for (const d of ['bin', 'dist']) files.push(...walk(path.join(app, d)))
    files.push(path.join(app, 'package.json'))
    for (const dep of runtimeDeps(app)) files.push(...walk(dep))
  }
  return files.filter(f => existsSync(f))
}

/** Read `argv`'s own code into the page cache (after drop_caches: only the data stays cold). */
export function warmCode(argv: readonly string[]): void {
  const buf = Buffer.allocUnsafe(1 << 20)
  for (const f of codeFiles(argv)) {
    let fd: number
    try {
      fd = openSync(f, 'r')
    } catch {
      continue
    }
    try {
      while (readSync(fd, buf) > 0) { /* into the page cache */ }
    } finally {
      closeSync(fd)
    }
  }
}

function onPath(cmd: string): string | null {
  if (cmd.includes('/')) return existsSync(cmd) ? realpathSync(cmd) : null
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const f = path.join(dir, cmd)
    try {
      accessSync(f, constants.X_OK)
      return realpathSync(f)
    } catch {}
  }
  return null
}

function sharedLibs(exe: string): string[] {
  const r = spawnSync('ldd', [exe], {encoding: 'utf8'})
  return [...(r.stdout ?? '').matchAll(/=>\s*(\/\S+)/g)].map(m => m[1] as string)
}

function walk(dir: string): string[] {
  let entries
  try {
    entries = readdirSync(dir, {withFileTypes: true})
  } catch {
    return []
  }
  return entries.flatMap(e => {
    const p = path.join(dir, e.name)
    return e.isDirectory() ? walk(p) : e.isFile() ? [p] : []
  })
}

/** The folders of `app`'s runtime dependencies and theirs, as installed (flat node_modules). */
function runtimeDeps(app: string): string[] {
  const seen = new Set<string>()
  const visit = (pkgDir: string): void => {
    let deps: Record<string, string> = {}
    try {
      deps = (JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as {dependencies?: Record<string, string>}).dependencies ?? {}
    } catch {}
    for (const name of Object.keys(deps)) {
      const nested = path.join(pkgDir, 'node_modules', name)
      const dir = existsSync(nested) ? nested : path.join(app, 'node_modules', name)
      if (!existsSync(dir) || seen.has(dir)) continue
      seen.add(dir)
      visit(dir)
    }
  }
  visit(app)
  return [...seen]
}
