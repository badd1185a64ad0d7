// Build step after cli/bundle.ts: makes dist/cli/fast.cjs.cache, V8's code cache for
// push, pull and agent (cli/script-cache.ts). V8 compiles most functions lazily, when
// first called, and a cache holds only what was compiled when it was taken: so it is
// taken after a real push and pull of a small file, to and from an agent, all three
// run through the script in a process that loaded nothing else (a child of this one:
// oclif ends the process of a failed command, and the agent's ends its process when
// it stops). If anything fails the build goes on without a cache, and the CLI
// compiles the script at each start as it would any module.
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {fileURLToPath} from 'node:url'
import path from 'node:path'
import {cacheFileOf, loadScript} from './script-cache.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const script = path.join(root, 'dist/cli/fast.cjs')
const bin = path.join(root, 'bin/run.js')
// A warm-up takes about a second; one that hangs must not hang the build.
const TIMEOUT_MS = 120_000

interface Fast {
  run(id: string, argv: string[], root: string): Promise<void>
}

/**
 * Starts the script's agent in this process, serving `dir`, and resolves with its port,
 * read from the line it prints when it listens (that line goes no further).
 */
function startAgent(fast: Fast, dir: string, key: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const write = process.stdout.write.bind(process.stdout)
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      const port = /listening \S+:(\d+)/.exec(String(chunk))?.[1]
      if (!port) return write(chunk, ...rest)
      process.stdout.write = write
      resolve(port)
      return true
    }) as typeof process.stdout.write
    // More sessions than the warm-up opens: the agent is still serving when the cache is taken.
    fast.run('agent', ['--listen', '127.0.0.1:0', '--psk-file', key, '--allow', dir, '--sessions', '3', '-q'], root)
      .then(() => reject(new Error('the warm-up agent stopped')), reject)
  })
}

/** The child's part: an agent, a push to it and a pull from it through the script, then its cache. */
async function warmUp(dir: string): Promise<void> {
  const key = path.join(dir, 'psk')
  if (spawnSync(process.execPath, [bin, 'keygen', '--out', key], {stdio: 'ignore', timeout: TIMEOUT_MS}).status !== 0) throw new Error('keygen failed')
  writeFileSync(path.join(dir, 'a'), Buffer.alloc(65536, 7))
  const {exports, saveCache} = loadScript<Fast>(script)
  const remote = `agent://127.0.0.1:${await startAgent(exports, dir, key)}${dir}`
  await exports.run('push', [path.join(dir, 'a'), `${remote}/b`, '--psk-file', key, '-q'], root)
  await exports.run('pull', [`${remote}/b`, path.join(dir, 'c'), '--psk-file', key, '-q'], root)
  if (process.exitCode || !existsSync(path.join(dir, 'c'))) throw new Error('the warm-up push and pull failed')
  saveCache()
  // The agent would serve on.
  process.exit(0)
}

if (process.argv[2] === '--warm-up') {
  await warmUp(process.argv[3] as string)
} else {
  rmSync(cacheFileOf(script), {force: true})
  if (existsSync(script)) {
    const dir = mkdtempSync(path.join(tmpdir(), 'blockpair-warm-'))
    // The warm-up's jobs and records go with it, in the child and in its agent.
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--warm-up', dir], {stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: TIMEOUT_MS, env: {...process.env, XDG_STATE_HOME: dir}})
    rmSync(dir, {recursive: true, force: true})
    if (r.status !== 0 || !existsSync(cacheFileOf(script))) {
      const why = r.error?.message ?? r.stderr.split('\n').find(l => /^\w*Error\b/.test(l)) ?? `exit ${r.status ?? r.signal}`
      process.stderr.write(`blockpair: no code cache for push and pull (${why}); the CLI works, but starts slower\n`)
    }
  }
}
