// Run the built CLI (bin/run.js, which loads dist/) as a user would, and
// start real agents for integration tests.
//
// The CLI runs from dist/, so it must be built from the current sources:
// `npm test` builds before it runs tap. When a test file is run alone
// (`npx tap test/integration/agent.test.ts`), ensureBuilt() runs
// `npm run build` once if any source is newer than its built file.
//
//   const agent = await startAgent(t, {allow: [dir], keyFile})
//   const r = await cli(['push', src, agent.url('/abs/dst'), '--psk-file', keyFile, '--json'])
//   r.code, r.stdout, r.stderr, r.json()

import {execFileSync, spawn} from 'node:child_process'
import {existsSync, mkdtempSync, readdirSync, rmSync, statSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'
import type {Test} from 'tap'
import {SCHEMAS, validate, type Schema} from '../../agent/run/schema.js'
import {newKey, writeKeyFile} from '../../agent/wire/keys.js'

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const BIN = path.join(REPO_ROOT, 'bin/run.js')
const SOURCES = ['agent', 'cli', 'proto']

function newestSource(dir: string): number {
  let newest = 0
  for (const e of readdirSync(dir, {withFileTypes: true})) {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p))
    else if (/\.(ts|cjs)$/.test(e.name) && !e.name.endsWith('.d.ts') && !e.name.endsWith('.d.cts')) newest = Math.max(newest, statSync(p).mtimeMs)
  }
  return newest
}

function oldestBuilt(dir: string): number {
  let oldest = Infinity
  for (const e of readdirSync(dir, {withFileTypes: true})) {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) oldest = Math.min(oldest, oldestBuilt(p))
    else if (e.name.endsWith('.js') || e.name.endsWith('.cjs')) oldest = Math.min(oldest, statSync(p).mtimeMs)
  }
  return oldest
}

let built: true | Error | null = null

/** Build dist/ if it is missing or older than a source file (once per process; a failure is remembered). */
export function ensureBuilt(): void {
  if (built === true) return
  if (built) throw built
  built = build()
  if (built !== true) throw built
}

function build(): true | Error {
  const dist = path.join(REPO_ROOT, 'dist')
  const stale = !existsSync(path.join(dist, 'cli/commands/push.js')) ||
    Math.max(...SOURCES.map(s => newestSource(path.join(REPO_ROOT, s)))) > Math.min(...SOURCES.map(s => existsSync(path.join(dist, s)) ? oldestBuilt(path.join(dist, s)) : 0))
  if (stale) {
    try {
      execFileSync('npm', ['run', 'build'], {cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe']})
    } catch (err) {
      const e = err as {stdout?: Buffer; stderr?: Buffer}
      return new Error(`npm run build failed; the CLI tests need a build:\n${String(e.stdout ?? '')}${String(e.stderr ?? '')}`)
    }
  }
  return true
}

/**
 * A module of the build (dist/), by its source path: `importBuilt<typeof import('../../agent/x.js')>('agent/x.js')`.
 * For code that starts worker threads: a thread of the built code loads plain
 * JavaScript, where a thread of the sources compiles every module it imports
 * again (tens of seconds on a busy machine).
 */
export async function importBuilt<M>(sourcePath: string): Promise<M> {
  ensureBuilt()
  return await import(pathToFileURL(path.join(REPO_ROOT, 'dist', sourcePath)).href) as M
}

export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  /** stdout parsed as the one JSON object --json prints. */
  json(): Record<string, unknown>
}

export interface CliOptions {
  cwd?: string
  env?: NodeJS.ProcessEnv
  /** Kill the CLI after this long (default 60 s): a hang fails the test, not the suite. */
  timeoutMs?: number
}

/**
 * `[command, args]` that start `COMMAND ARGS` as a user would: without tap's
 * process tracker. tap hooks every spawn of a test process to put
 * @tapjs/processinfo (it records each module a process loads, for coverage)
 * into the child's NODE_OPTIONS, and in a CLI run it cost 0.5 s of CPU, more
 * than the run itself (0.3 s for a 4 MiB digest), over some 300 CLI and agent
 * starts a suite. With coverage off (package.json) nothing reads what it
 * records, so `env` hands the child the NODE_OPTIONS of the test process.
 */
export function asUser(command: string, args: readonly string[]): [string, string[]] {
  if (process.env._TAPJS_PROCESSINFO_COVERAGE_ !== '0') return [command, [...args]]
  const own = (process.env.NODE_OPTIONS ?? '').replace(/"[^"]*@tapjs\/processinfo[^"]*"|\S*@tapjs\/processinfo\S*/g, '').trim()
  return ['env', [...(own ? [`NODE_OPTIONS=${own}`] : ['-u', 'NODE_OPTIONS']), command, ...args]]
}

/** `[command, args]` that start the built CLI, `blockpair ARGS`, as a user would. */
export function blockpairArgv(args: readonly string[]): [string, string[]] {
  return asUser(process.execPath, [BIN, ...args])
}

/** A private state folder per test process, so jobs never land in the real home. */
let stateHome: string | null = null
function defaultEnv(): NodeJS.ProcessEnv {
  if (!stateHome) {
    stateHome = mkdtempSync(path.join(os.tmpdir(), 'blockpair-test-state-'))
    const dir = stateHome
    process.once('exit', () => rmSync(dir, {recursive: true, force: true}))
  }
  return {...process.env, XDG_STATE_HOME: stateHome, NO_COLOR: '1'}
}

/** Run `blockpair ARGS` to completion. */
export async function cli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return startCli(args, opts).done
}

export interface RunningCli {
  pid: number
  /** Send a signal to the CLI process (the interrupt tests). */
  kill(signal: NodeJS.Signals): void
  /** What it printed so far on stderr. */
  stderr(): string
  done: Promise<CliResult>
}

/** Start `blockpair ARGS`; `done` resolves when it exits. */
export function startCli(args: string[], opts: CliOptions = {}): RunningCli {
  ensureBuilt()
  const child = spawn(...blockpairArgv(args), {
    cwd: opts.cwd ?? REPO_ROOT,
    env: {...defaultEnv(), ...opts.env},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d })
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d })
  return {pid: child.pid as number, kill: s => child.kill(s), stderr: () => stderr, done: finished(child, args, opts, () => [stdout, stderr])}
}

async function finished(child: ReturnType<typeof spawn>, args: readonly string[], opts: CliOptions, output: () => [string, string]): Promise<CliResult> {
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000)
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (c, s) => resolve([c, s]))
  })
  clearTimeout(timer)
  const [stdout, stderr] = output()
  checkJson(args, code, signal, stdout)
  return {
    code, signal, stdout, stderr,
    json() {
      try {
        return JSON.parse(stdout) as Record<string, unknown>
      } catch {
        throw new Error(`stdout is not one JSON object:\n${stdout}\nstderr:\n${stderr}`)
      }
    },
  }
}

/**
 * Every --json output a test sees is checked against its command's schema
 * (agent/run/schema.ts): one JSON value on stdout, the success shape on exit 0
 * (verify: also on exit 1), the error shape otherwise. A process killed by a
 * signal printed nothing, and the agent's --json is its log, so neither is checked.
 */
export function checkJson(args: readonly string[], code: number | null, signal: NodeJS.Signals | null, stdout: string): void {
  const command = args[0] as string
  if (!args.includes('--json') || signal !== null || command === 'agent' || args.includes('--help')) return
  let value: unknown
  try {
    value = JSON.parse(stdout)
  } catch {
    throw new Error(`blockpair ${args.join(' ')} --json printed no single JSON value (exit ${code}):\n${stdout}`)
  }
  const success = code === 0 || (command === 'verify' && code === 1)
  const schema: Schema = success ? (SCHEMAS as Record<string, Schema>)[command] ?? {} : 'files' in (value as object) ? SCHEMAS.stopped : SCHEMAS.error
  const problems = validate(schema, value)
  if (problems.length > 0) throw new Error(`blockpair ${args.join(' ')} (exit ${code}): its --json output breaks the schema:\n  ${problems.join('\n  ')}\n${stdout}`)
}

export interface Agent {
  pid: number
  host: string
  port: number
  /** agent://HOST:PORT/PATH for an absolute path. */
  url(absPath: string): string
  /** Everything the agent wrote on stderr so far (its session log). */
  stderr(): string
  /** The agent's log entries so far (start it with extra: ['--json'] for JSON lines). */
  log(): Array<Record<string, unknown>>
  /** Resolves with the first log entry `match` accepts; rejects after `ms`. */
  waitForLog(match: (entry: Record<string, unknown>) => boolean, ms?: number): Promise<Record<string, unknown>>
  /** Send a signal (SIGKILL for the fault tests); stop() still waits for the exit. */
  kill(signal: NodeJS.Signals): void
  alive(): boolean
  stop(): Promise<void>
}

/**
 * Start `blockpair agent --listen 127.0.0.1:0 --psk-file KEYFILE --allow DIR...`
 * as a child process, wait for its `listening HOST:PORT` line, and kill it
 * in t.teardown.
 */
export async function startAgent(t: Test, opts: {allow: string[]; keyFile: string; extra?: string[]; port?: number; env?: NodeJS.ProcessEnv}): Promise<Agent> {
  ensureBuilt()
  const args = ['agent', '--listen', `127.0.0.1:${opts.port ?? 0}`, '--psk-file', opts.keyFile, ...opts.allow.flatMap(a => ['--allow', a]), ...(opts.extra ?? [])]
  const child = spawn(...blockpairArgv(args), {cwd: REPO_ROOT, env: {...defaultEnv(), ...opts.env}, stdio: ['ignore', 'pipe', 'pipe']})
  let stdout = ''
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d })
  const exited = new Promise<void>(resolve => child.once('close', () => resolve()))
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    const killer = setTimeout(() => child.kill('SIGKILL'), 3000)
    await exited
    clearTimeout(killer)
  }
  t.teardown(stop)
  // A deadline only for a failure: an agent that starts says so at once, and a loaded
  // machine (two cores, tens of runnable processes) has taken more than 15 s to start one.
  const [host, port] = await new Promise<[string, number]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the agent did not say 'listening' within 60 s; stderr:\n${stderr}`)), 60_000)
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d
      const m = /^listening (\S+):(\d+)$/m.exec(stdout)
      if (m) {
        clearTimeout(timer)
        resolve([(m[1] as string).replace(/^\[|\]$/g, ''), Number(m[2])])
      }
    })
    child.once('close', code => {
      clearTimeout(timer)
      reject(new Error(`the agent exited with ${code} before listening; stderr:\n${stderr}`))
    })
  })
  const log = (): Array<Record<string, unknown>> => stderr.split('\n').flatMap(line => {
    try {
      const v: unknown = JSON.parse(line)
      return v !== null && typeof v === 'object' ? [v as Record<string, unknown>] : []
    } catch {
      return []
    }
  })
  return {
    pid: child.pid as number,
    host, port,
    alive: () => child.exitCode === null && child.signalCode === null,
    url: p => `agent://${host.includes(':') ? `[${host}]` : host}:${port}${p}`,
    stderr: () => stderr,
    log,
    async waitForLog(match, ms = 5000) {
      const until = Date.now() + ms
      for (;;) {
        const hit = log().find(match)
        if (hit) return hit
        if (Date.now() > until) throw new Error(`no matching agent log entry within ${ms} ms; stderr:\n${stderr}`)
        await new Promise(resolve => setTimeout(resolve, 50))
      }
    },
    kill: signal => child.kill(signal),
    stop,
  }
}

/**
 * A fresh key file in `dir`, written by the functions `blockpair keygen` calls
 * (newKey, writeKeyFile), in this process: most tests need a key, not the
 * command, and a CLI start per key cost about a second each on a busy machine.
 * The command itself is tested in test/integration/agent.test.ts.
 */
export async function keygen(dir: string, name = 'psk'): Promise<string> {
  const file = path.join(dir, name)
  writeKeyFile(file, newKey('blockpair-test'))
  return file
}
