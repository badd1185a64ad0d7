// Build step after cli/bundle.ts: makes dist/cli/fast.cjs.cache, V8's code cache for
// push and pull (cli/script-cache.ts). V8 compiles most functions lazily, when first
// called, and a cache holds only what was compiled when it was taken: so it is taken
// after a real push and pull of a small file, to and from an agent started here, in a
// process that loaded nothing else. If anything fails the build goes on without a
// cache, and the CLI compiles the script at each start as it would any module.
import {spawn} from 'node:child_process'
import {once} from 'node:events'
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {fileURLToPath} from 'node:url'
import path from 'node:path'
import {cacheFileOf, loadScript} from './script-cache.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const script = path.join(root, 'dist/cli/fast.cjs')
const bin = path.join(root, 'bin/run.js')

interface Fast {
  run(id: string, argv: string[], root: string): Promise<void>
}

/** A listening agent of this build, serving `dir`, and its port. */
async function startAgent(dir: string, key: string): Promise<{port: string; stop: () => void}> {
  const agent = spawn(process.execPath, [bin, 'agent', '--listen', '127.0.0.1:0', '--psk-file', key, '--allow', dir], {stdio: ['ignore', 'pipe', 'ignore']})
  let out = ''
  for await (const chunk of agent.stdout) {
    out += String(chunk)
    const port = /listening \S+:(\d+)/.exec(out)?.[1]
    if (port) return {port, stop: () => agent.kill()}
  }
  throw new Error(`the warm-up agent exited: ${out.trim()}`)
}

async function warmUp(dir: string): Promise<void> {
  const key = path.join(dir, 'psk')
  const keygen = spawn(process.execPath, [bin, 'keygen', '--out', key], {stdio: 'ignore'})
  const [code] = await once(keygen, 'exit') as [number]
  if (code !== 0) throw new Error(`keygen exited with ${code}`)
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

const cache = cacheFileOf(script)
rmSync(cache, {force: true})
if (existsSync(script)) {
  const dir = mkdtempSync(path.join(tmpdir(), 'blockpair-warm-'))
  // The warm-up's jobs and records go with it, here and in its agent.
  process.env.XDG_STATE_HOME = dir
  try {
    await warmUp(dir)
  } catch (err) {
    process.exitCode = 0
    process.stderr.write(`blockpair: no code cache for push and pull (${(err as Error).message.split('\n')[0]}); the CLI works, but starts slower\n`)
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}
