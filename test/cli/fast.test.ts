// push, pull and agent run from dist/cli/fast.cjs through V8's code cache (cli/fast.ts,
// cli/script-cache.ts, bin/run.js): the build's cache is used, and a push and an agent
// work the same whatever the cache is (missing, stale, garbage) and without the script at all.
// Each case runs a copy of the package's top (bin/, package.json, dist/cli/) whose
// other folders are links to this build, so that the real cache is never touched.
import t, {type Test} from 'tap'
import {execFileSync, spawn} from 'node:child_process'
import {once} from 'node:events'
import {copyFileSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {REPO_ROOT, asUser, cli, ensureBuilt, keygen, startAgent} from '../helpers/cli.js'
import {commands} from '../../cli/fast.js'

ensureBuilt()
const dir = t.testdir({remote: {}})
const remote = path.join(dir, 'remote')
const psk = await keygen(dir)
const agent = await startAgent(t, {allow: [remote], keyFile: psk})
const src = path.join(dir, 'src')
writeFileSync(src, Buffer.alloc(65536, 0x5a).fill(1, 4096, 8192))
const script = path.join(REPO_ROOT, 'dist/cli/fast.cjs')

/** A copy of the package's top whose dist/cli/fast.cjs.cache is the test's own. */
function packageCopy(name: string): string {
  const root = path.join(dir, name)
  mkdirSync(path.join(root, 'dist/cli'), {recursive: true})
  cpSync(path.join(REPO_ROOT, 'bin'), path.join(root, 'bin'), {recursive: true})
  for (const f of ['package.json', 'oclif.manifest.json']) copyFileSync(path.join(REPO_ROOT, f), path.join(root, f))
  for (const f of ['node_modules', 'agent', 'proto']) symlinkSync(path.join(REPO_ROOT, f), path.join(root, f))
  for (const f of ['agent', 'proto']) symlinkSync(path.join(REPO_ROOT, 'dist', f), path.join(root, 'dist', f))
  for (const f of readdirSync(path.join(REPO_ROOT, 'dist/cli'))) {
    if (!f.endsWith('.cache')) symlinkSync(path.join(REPO_ROOT, 'dist/cli', f), path.join(root, 'dist/cli', f))
  }
  return root
}

/** An agent of a package copy serving `remote`: its agent:// URL of `name`, stopped at the test's end. */
async function agentOf(t: Test, root: string, name: string): Promise<string> {
  const child = spawn(...asUser(process.execPath, [path.join(root, 'bin/run.js'), 'agent', '--listen', '127.0.0.1:0', '--psk-file', psk, '--allow', remote, '-q']), {stdio: ['ignore', 'pipe', 'inherit']})
  t.teardown(() => { child.kill() })
  let out = ''
  for await (const chunk of child.stdout) {
    out += String(chunk)
    const port = /^listening \S+:(\d+)$/m.exec(out)?.[1]
    if (port) return `agent://127.0.0.1:${port}${path.join(remote, name)}`
  }
  throw new Error(`the agent exited before listening: ${out}`)
}

async function push(root: string, args: string[]): Promise<{code: number | null; stdout: string; stderr: string}> {
  const child = spawn(...asUser(process.execPath, [path.join(root, 'bin/run.js'), 'push', ...args]), {env: {...process.env, XDG_STATE_HOME: path.join(dir, 'state')}, stdio: ['ignore', 'pipe', 'pipe']})
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d })
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d })
  const [code] = await once(child, 'close') as [number | null]
  return {code, stdout, stderr}
}

t.test('the build made a code cache that V8 accepts, so a push compiles nothing it holds', async t => {
  const loader = path.join(REPO_ROOT, 'dist/cli/script-cache.js')
  const code = `const {loadScript} = await import(${JSON.stringify(loader)}); console.log(loadScript(${JSON.stringify(script)}).compiled)`
  t.equal(execFileSync(process.execPath, ['--input-type=module', '-e', code], {encoding: 'utf8'}).trim(), 'false')
})

const valid = readFileSync(`${script}.cache`)
const caches: Array<[string, Buffer | null]> = [
  ['missing', null],
  ['garbage', Buffer.alloc(8192, 0x5a)],
  ['cut short', valid.subarray(0, valid.length >> 1)],
  // The right digest of the source, then V8 data for another script.
  ['made for another script', Buffer.concat([valid.subarray(0, 32), Buffer.alloc(valid.length - 32, 1)])],
]
for (const [what, cache] of caches) {
  t.test(`a push works the same with a code cache that is ${what}`, async t => {
    const root = packageCopy(what.replace(/ /g, '-'))
    if (cache) writeFileSync(path.join(root, 'dist/cli/fast.cjs.cache'), cache)
    const dst = path.join(remote, `${what.replace(/ /g, '-')}.img`)
    const r = await push(root, [src, agent.url(dst), '--psk-file', psk, '--json'])
    t.equal(r.code, 0, r.stderr)
    t.equal(JSON.parse(r.stdout).bytesWritten, 65536)
    t.same(readFileSync(dst), readFileSync(src))
    const bad = await push(root, [src, agent.url(dst), '--psk-file', psk, '--no-such-flag'])
    t.equal(bad.code, 2)
    t.match(bad.stderr, /\[E_BAD_FLAG\]/)
    // And an agent of that copy serves a push as any other.
    const served = await agentOf(t, root, `${what.replace(/ /g, '-')}-served.img`)
    const r2 = await push(REPO_ROOT, [src, served, '--psk-file', psk, '-q'])
    t.equal(r2.code, 0, r2.stderr)
    t.same(readFileSync(served.replace(/^agent:\/\/[^/]+/, '')), readFileSync(src))
  })
}

t.test('without the script and its loader (a build without esbuild) push goes through oclif\'s loader', async t => {
  const root = packageCopy('no-script')
  rmSync(path.join(root, 'dist/cli/fast.cjs'))
  rmSync(path.join(root, 'dist/cli/script-cache.cjs'))
  const dst = path.join(remote, 'no-script.img')
  const r = await push(root, [src, agent.url(dst), '--psk-file', psk, '-q'])
  t.equal(r.code, 0, r.stderr)
  t.same(readFileSync(dst), readFileSync(src))
  const served = await agentOf(t, root, 'no-script-served.img')
  const r2 = await push(root, [src, served, '--psk-file', psk, '-q'])
  t.equal(r2.code, 0, r2.stderr)
  t.same(readFileSync(path.join(remote, 'no-script-served.img')), readFileSync(src))
})

t.test('bin/run.js sends to the script exactly the commands it holds', async t => {
  const listed = /const FAST_COMMANDS = (\[[^\]]*\])/.exec(readFileSync(path.join(REPO_ROOT, 'bin/run.js'), 'utf8'))?.[1]
  t.ok(listed, 'bin/run.js has FAST_COMMANDS')
  t.same(JSON.parse((listed ?? '[]').replace(/'/g, '"')).sort(), Object.keys(commands).sort())
})

t.test('agent from the script: flags are checked as before, and --help is oclif\'s', async t => {
  const bad = await cli(['agent', '--listen', '127.0.0.1:0', '--psk-file', psk, '--no-such-flag'])
  t.equal(bad.code, 2)
  t.match(bad.stderr, /\[E_BAD_FLAG\]/)
  // exactlyOne of --psk-file and --psk-stdin, checked by oclif's parser.
  const neither = await cli(['agent', '--listen', '127.0.0.1:0'])
  t.equal(neither.code, 2)
  t.match(neither.stderr, /\[E_BAD_FLAG\]/)
  for (const args of [['agent', '--help'], ['agent', '-h']]) {
    const r = await cli(args)
    t.equal(r.code, 0, r.stderr)
    t.match(r.stdout, /USAGE\s+\$ blockpair agent/)
  }
})

t.test('push --help and pull -h are oclif\'s help, as before', async t => {
  for (const args of [['push', '--help'], ['pull', '-h']]) {
    const r = await cli(args)
    t.equal(r.code, 0, r.stderr)
    t.match(r.stdout, /USAGE\s+\$ blockpair (push|pull)/)
  }
})
