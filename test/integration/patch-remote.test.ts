// Patch files applied to and digests taken of remote copies, as a user runs
// them: `blockpair apply PATCH agent://...` and `apply PATCH HOST:PATH` (a
// real agent, a real sshd on a high port), `digest agent://... --out`; every
// result compared with cmp, every refusal by exit code and JSON code, and a
// remote apply killed (SIGKILL of the client, at a chosen segment through
// BLOCKPAIR_FAULT) finished by `blockpair resume`.
import t, {type Test} from 'tap'
import {randomBytes} from 'node:crypto'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {cli, keygen, startAgent} from '../helpers/cli.js'
import {REMOTE_BIN, sshdSkipReason, startSshd} from '../helpers/sshd.js'
import {allocated, KiB, MiB, sampleData, same, scatterChanges, writeFixture} from '../helpers/blocks.js'

// One agent for the file, serving every case's folder below `base` (a case's files are its own):
// an agent start per case was the most of what a small case cost.
const base = t.testdir()
const key = await keygen(base)
const agent = await startAgent(t, {allow: [base], keyFile: key})
let cases = 0

/** A fresh folder below `base`, so the file's agent may write in it. */
function folder(): string {
  const dir = join(base, `case-${++cases}`)
  mkdirSync(dir)
  return dir
}

/** A source, a target that differs from it in scattered places, and the patch between them, in a fresh folder. */
async function patched(t: Test, size: number, opts: {sparse?: boolean; resize?: number} = {}): Promise<{dir: string; src: string; dst: string; patch: string}> {
  const dir = folder()
  const base = opts.sparse ? Buffer.alloc(size) : sampleData(size)
  if (opts.sparse) randomBytes(2 * MiB).copy(base, 4 * MiB)
  let next = scatterChanges(base, 80)
  if (opts.sparse) randomBytes(256 * KiB).copy(next, size - MiB)
  if (opts.resize !== undefined) next = Buffer.concat([next, randomBytes(Math.max(0, opts.resize - size))]).subarray(0, opts.resize)
  writeFixture(join(dir, 'src.img'), next, opts)
  writeFixture(join(dir, 'dst.img'), base, opts)
  const f = {dir, src: join(dir, 'src.img'), dst: join(dir, 'dst.img'), patch: join(dir, 'x.patch')}
  const p = await cli(['diff', f.src, f.dst, '-o', f.patch])
  t.equal(p.code, 0, p.stderr)
  return f
}

t.test('apply through a live agent: dense, sparse, growth and shrink; again is a no-op', async t => {
  for (const c of [{size: 12 * MiB}, {size: 12 * MiB, sparse: true}, {size: 9 * MiB, resize: 13 * MiB + 7}, {size: 13 * MiB, resize: 9 * MiB + 5}]) {
    const f = await patched(t, c.size, c)
    const dry = await cli(['apply', f.patch, agent.url(f.dst), '--psk-file', key, '--dry-run', '--json'])
    t.equal(dry.code, 0, dry.stderr)
    t.notOk(same(f.src, f.dst), 'a dry run writes nothing')
    const a = await cli(['apply', f.patch, agent.url(f.dst), '--psk-file', key, '--json'])
    t.equal(a.code, 0, a.stderr)
    t.match(a.json(), {ok: true, alreadyApplied: false, size: c.resize ?? c.size})
    t.ok((a.json().bytesWritten as number) > 0)
    t.ok(same(f.src, f.dst), `cmp: identical (${JSON.stringify(c)})`)
    if (c.sparse) t.ok(allocated(f.dst) <= allocated(f.src) + 256 * KiB, 'holes kept')
    const again = await cli(['apply', f.patch, agent.url(f.dst), '--psk-file', key])
    t.equal(again.code, 0, again.stderr)
    t.match(again.stdout, /already holds this patch's result/)
  }
})

t.test('apply over ssh (a real sshd on a high port), with growth; --check-base reads the whole target', {skip: sshdSkipReason()}, async t => {
  const sshd = await startSshd(t)
  const f = await patched(t, 10 * MiB, {resize: 13 * MiB + 11})
  const ssh = ['--ssh', sshd.sshCommand, '--remote-bin', REMOTE_BIN]
  const a = await cli(['apply', f.patch, `${sshd.target}:${f.dst}`, ...ssh, '--check-base', '--json'])
  t.equal(a.code, 0, a.stderr)
  t.match(a.json(), {ok: true, baseChecked: 'whole', alreadyApplied: false})
  t.ok(same(f.src, f.dst), 'cmp: identical')
  const again = await cli(['apply', f.patch, `${sshd.target}:${f.dst}`, ...ssh, '--json'])
  t.equal(again.code, 0, again.stderr)
  t.match(again.json(), {alreadyApplied: true, bytesWritten: 0})
})

t.test('remote refusals: wrong base (both digests named), another size, damaged patch, outside --allow; nothing written', async t => {
  const f = await patched(t, 6 * MiB)
  const other = join(f.dir, 'other.img')
  writeFixture(other, sampleData(6 * MiB))
  const before = readFileSync(other)
  const wrong = await cli(['apply', f.patch, agent.url(other), '--psk-file', key, '--json'])
  t.equal(wrong.code, 7)
  t.match(wrong.json(), {code: 'E_PATCH_BASE'})
  const baseDigest = (await cli(['apply', f.patch, f.dst, '--dry-run', '--json'])).json().baseDigest as string
  t.ok((wrong.json().message as string).includes(baseDigest), 'names the patch\'s base digest')
  t.ok(readFileSync(other).equals(before), 'the wrong base is left as it was')
  writeFixture(other, sampleData(5 * MiB))
  const size = await cli(['apply', f.patch, agent.url(other), '--psk-file', key, '--json'])
  t.equal(size.code, 7)
  t.match(size.json(), {code: 'E_PATCH_SIZE'})
  const dst = readFileSync(f.dst)
  const bytes = readFileSync(f.patch)
  writeFileSync(join(f.dir, 'bad.patch'), Buffer.from(bytes).fill(0x5a, bytes.length >> 2, (bytes.length >> 2) + 1))
  const bad = await cli(['apply', join(f.dir, 'bad.patch'), agent.url(f.dst), '--psk-file', key, '--json'])
  t.equal(bad.code, 4)
  t.match(bad.json(), {code: 'E_PATCH_DAMAGED'})
  const outside = mkdtempSync(join(tmpdir(), 'blockpair-outside-'))
  t.teardown(() => rmSync(outside, {recursive: true, force: true}))
  writeFixture(join(outside, 'dst.img'), dst)
  const denied = await cli(['apply', f.patch, agent.url(join(outside, 'dst.img')), '--psk-file', key, '--json'])
  t.equal(denied.code, 7)
  t.match(denied.json(), {code: 'E_NOT_ALLOWED'})
  t.ok(readFileSync(f.dst).equals(dst) && readFileSync(join(outside, 'dst.img')).equals(dst), 'nothing written by any refusal')
})

t.test('a remote apply whose client is killed (SIGKILL) is finished by blockpair resume', async t => {
  const f = await patched(t, 24 * MiB)
  const state = join(f.dir, 'state')
  const target = agent.url(f.dst)
  // Segments are 4 MiB and each has changes: the write session reaches each start.
  const env = (at: number): NodeJS.ProcessEnv => ({BLOCKPAIR_FAULT: `apply-kill:${at}`})
  t.equal((await cli(['apply', f.patch, target, '--psk-file', key, '--state-dir', state], {env: env(8 * MiB)})).signal, 'SIGKILL', 'apply killed at 8 MiB')
  const fresh = await cli(['apply', f.patch, target, '--psk-file', key, '--json', '--state-dir', join(f.dir, 'other-state')])
  t.equal(fresh.code, 7, 'a new apply of a half-applied target is refused')
  t.match(fresh.json(), {code: 'E_PATCH_APPLIED_PART'})
  t.equal((await cli(['resume', '--state-dir', state], {env: env(16 * MiB)})).signal, 'SIGKILL', 'resume killed at 16 MiB')
  const r = await cli(['resume', '--state-dir', state, '--json'])
  t.equal(r.code, 0, r.stderr)
  t.match(r.json(), {ok: true, target})
  t.ok(same(f.src, f.dst), 'cmp: identical after the resume')
})

t.test('digest of a remote copy (agent and ssh), diff against it, apply: identical; a missing copy is E_NOT_FOUND', async t => {
  const f = await patched(t, 14 * MiB, {sparse: true, resize: 16 * MiB + 3})
  const local = await cli(['digest', f.dst, '--out', join(f.dir, 'local.digest'), '--json'])
  t.equal(local.code, 0, local.stderr)
  const d = await cli(['digest', agent.url(f.dst), '--psk-file', key, '--out', join(f.dir, 'dst.digest'), '--json'])
  t.equal(d.code, 0, d.stderr)
  t.match(d.json(), {ok: true, size: 14 * MiB, blocks: local.json().blocks, fileBytes: local.json().fileBytes})
  const p = await cli(['diff', f.src, join(f.dir, 'dst.digest'), '-o', join(f.dir, 'y.patch'), '--json'])
  t.equal(p.code, 0, p.stderr)
  t.match(p.json(), {against: 'digest', baseSize: 14 * MiB})
  const a = await cli(['apply', join(f.dir, 'y.patch'), agent.url(f.dst), '--psk-file', key, '--json'])
  t.equal(a.code, 0, a.stderr)
  t.ok(same(f.src, f.dst), 'cmp: identical')
  const missing = await cli(['digest', agent.url(join(f.dir, 'nope.img')), '--psk-file', key, '--out', join(f.dir, 'nope.digest'), '--json'])
  t.equal(missing.code, 5)
  t.match(missing.json(), {code: 'E_NOT_FOUND'})
})

t.test('digest over ssh', {skip: sshdSkipReason()}, async t => {
  const sshd = await startSshd(t)
  const f = await patched(t, 6 * MiB)
  const d = await cli(['digest', `${sshd.target}:${f.dst}`, '--ssh', sshd.sshCommand, '--remote-bin', REMOTE_BIN, '--out', join(f.dir, 'dst.digest'), '--json'])
  t.equal(d.code, 0, d.stderr)
  t.equal((await cli(['diff', f.src, join(f.dir, 'dst.digest'), '-o', join(f.dir, 'y.patch')])).code, 0)
  t.equal((await cli(['apply', join(f.dir, 'y.patch'), f.dst])).code, 0)
  t.ok(same(f.src, f.dst), 'cmp: identical')
})

t.test('regression: apply to a missing remote target is E_NOT_FOUND, as locally (it said E_PATCH_SIZE, "holds 0 bytes"); nothing is created', async t => {
  const f = await patched(t, 4 * MiB)
  const missing = join(f.dir, 'missing.img')
  const local = await cli(['apply', f.patch, missing, '--json'])
  const remote = await cli(['apply', f.patch, agent.url(missing), '--psk-file', key, '--json'])
  t.equal(remote.code, local.code, 'the exit of a local apply to a missing target')
  t.match(remote.json(), {ok: false, code: 'E_NOT_FOUND'})
  t.match(local.json(), {ok: false, code: 'E_NOT_FOUND'})
  t.notOk(existsSync(missing), 'no target was created')
})

t.test('regression: after a remote apply, the next push does not trust the hash cache made before it', async t => {
  const dir = folder()
  const src = join(dir, 'src.img')
  const dst = join(dir, 'dst.img')
  const next = join(dir, 'next.img')
  const patch = join(dir, 'x.patch')
  const base = sampleData(8 * MiB)
  writeFixture(src, base)
  writeFixture(next, scatterChanges(base, 40))
  const push = async (): Promise<Record<string, unknown>> => {
    const r = await cli(['push', src, agent.url(dst), '--psk-file', key, '--json'])
    t.equal(r.code, 0, r.stderr)
    return r.json()
  }
  await push()
  t.match((await push()).changeTracking, {method: 'cache', used: true}, 'the cache is in use before the apply')
  const d = await cli(['diff', next, dst, '-o', patch])
  t.equal(d.code, 0, d.stderr)
  const a = await cli(['apply', patch, agent.url(dst), '--psk-file', key, '--json'])
  t.equal(a.code, 0, a.stderr)
  t.ok(same(next, dst), 'the apply wrote the patch')
  const after = await push()
  t.match(after.changeTracking, {method: 'cache', used: false}, `not trusted after the apply (${JSON.stringify(after.changeTracking)})`)
  t.ok((after.bytesSent as number) > 0, 'the changes the apply made are sent back')
  t.ok(same(src, dst), 'cmp: identical to the source again')
})
