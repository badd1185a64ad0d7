// Build step after cli/bundle.ts: makes dist/cli/fast.cjs.cache, V8's code cache for
// push and pull (cli/script-cache.ts). V8 compiles most functions lazily, when first
// called, and a cache holds only what was compiled when it was taken: so it is taken
// after a real push and pull of a small file, to and from an agent started here, in a
// process that loaded nothing else (a child of this one: oclif ends the process of a
// failed command). If anything fails the build goes on without a cache, and the CLI
// compiles the script at each start as it would any module.
import {spawn, spawnSync} from 'node:child_process'
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

/** A listening agent of this build, serving `dir`, and its port. */
async function startAgent(dir: string, key: string): Promise<{port: string; stop: () => void}> {
  const agent = spawn(process.execPath, [bin, 'agent', '--listen', '127.0.0.1:0', '--psk-file', key, '--allow', dir], {stdio: ['ignore', 'pipe', 'ignore'], timeout: TIMEOUT_MS})
  let out = ''
  for await (const chunk of agent.stdout) {
    out += String(chunk)
    const port = /listening \S+:(\d+)/.exec(out)?.[1]
    if (port) return {port, stop: () => agent.kill()}
  }
  throw new Error(`the warm-up agent exited: ${out.trim()}`)
}

/** The child's part: a push and a pull through the script, then its cache. */
async function warmUp(dir: string): Promise<void> {
  const key = path.join(dir, 'psk')
  if (spawnSync(process.execPath, [bin, 'keygen', '--out', key], {stdio: 'ignore', timeout: TIMEOUT_MS}).status !== 0) throw new Error('keygen failed')
  writeFileSync(path.join(dir, 'a'), Buffer.alloc(65536, 7))
  const agent = await startAgent(dir, key)
  try {
    const {exports, saveCache} = loadScript<Fast>(script)
    const remote = `agent://127.0.0.1:${agent.port}${dir}`
    await exports.run('push', [path.join(dir, 'a'), `${remote}/b`, '--psk-file', key, '-q'], root)
    await exports.run('pull', [`${remote}/b`, path.join(dir, 'c'), '--psk-file', key, '-q'], root)
    if (process.exitCode || !existsSync(path.join(dir, 'c'))) throw new Error('the warm-up push and pull failed')
    saveCache()
  } finally {
    agent.stop()
  }
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
