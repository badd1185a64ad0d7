// Child processes for the benchmark: timed runs (wall clock, peak RSS through GNU
// time, bytes read through /proc/self/io), untimed helpers, and the blockpair agent.
// Every child gets its own process group and is tracked, so that a timeout, an
// error or Ctrl-C kills it and anything it started.

import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {closeSync, existsSync, openSync, readFileSync} from 'node:fs'
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
  /** Run under GNU time and write its report here (peak RSS in KiB). */
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
  /** Bytes read by the command and its children (rchar): files, pipes and sockets alike. */
  rchar: number
  timedOut: boolean
  spawnError?: string
}

export async function run(argv: readonly string[], o: RunOptions = {}): Promise<RunResult> {
  const full = o.rssFile ? [GNU_TIME, '-f', '%M', '-o', o.rssFile, ...argv] : [...argv]
  const [cmd, ...args] = full
  if (cmd === undefined) throw new Error('run: empty command')
  const stdinFd = o.stdinFile !== undefined ? openSync(o.stdinFile, 'r') : undefined
  const nullFd = o.discardStdout ? openSync('/dev/null', 'w') : undefined
  let stdout = ''
  let stderr = ''
  let timedOut = false
  const rchar0 = selfRchar()
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
  let rssKiB: number | undefined
  if (o.rssFile && existsSync(o.rssFile)) {
    // GNU time may write "Command exited with non-zero status N" before the figure.
    const last = readFileSync(o.rssFile, 'utf8').trim().split('\n').pop() ?? ''
    if (/^\d+$/.test(last)) rssKiB = Number(last)
  }
  return {ms, code: end.code, signal: end.signal, stdout, stderr, rssKiB, rchar, timedOut, spawnError: end.err?.message}
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

  async stop(): Promise<void> {
    if (!this.alive) return
    const gone = new Promise<void>(r => this.child.once('exit', () => r()))
    killGroup(this.child, 'SIGTERM')
    const t = setTimeout(() => killGroup(this.child, 'SIGKILL'), 3000)
    await gone
    clearTimeout(t)
  }
}
