// Patch files through the CLI, as a user runs them: digest, diff, apply and
// resume, with real files; every result is compared with cmp, every refusal
// by its exit code and JSON code, and an apply killed (SIGKILL, at chosen
// points, through BLOCKPAIR_FAULT) is finished by `blockpair resume`.
import t, {type Test} from 'tap'
import {randomBytes} from 'node:crypto'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {cli, keygen, startAgent} from '../helpers/cli.js'
import {REMOTE_BIN, sshdSkipReason, startSshd} from '../helpers/sshd.js'
import {allocated, KiB, MiB, sampleData, same, scatterChanges, writeFixture} from '../helpers/blocks.js'

/** A source and a target that differs from it in scattered places, in a fresh folder. */
function files(t: Test, size = 12 * MiB, opts: {sparse?: boolean} = {}): {dir: string; src: string; dst: string} {
  const dir = t.testdir()
  const base = opts.sparse ? Buffer.alloc(size) : sampleData(size)
  if (opts.sparse) randomBytes(2 * MiB).copy(base, 4 * MiB)
  const next = scatterChanges(base, 80)
  if (opts.sparse) randomBytes(256 * KiB).copy(next, size - MiB)
  writeFixture(join(dir, 'src.img'), next, opts)
  writeFixture(join(dir, 'dst.img'), base, opts)
  return {dir, src: join(dir, 'src.img'), dst: join(dir, 'dst.img')}
}

t.test('offline round trip: digest the target, diff against the digest, apply; again is a no-op', async t => {
  const f = files(t, 12 * MiB, {sparse: true})
  const d = await cli(['digest', f.dst, '--out', join(f.dir, 'dst.digest'), '--json'])
  t.equal(d.code, 0, d.stderr)
  const p = await cli(['diff', f.src, join(f.dir, 'dst.digest'), '-o', join(f.dir, 'x.patch'), '--compress', 'gzip', '--json'])
  t.equal(p.code, 0, p.stderr)
  t.match(p.json(), {ok: true, against: 'digest', compression: 'gzip', size: 12 * MiB})
  t.notOk(same(f.src, f.dst), 'diff wrote nothing to the target')
  const a = await cli(['apply', join(f.dir, 'x.patch'), f.dst, '--json'])
  t.equal(a.code, 0, a.stderr)
  t.match(a.json(), {ok: true, alreadyApplied: false})
  t.ok(same(f.src, f.dst), 'cmp: identical')
  t.ok(allocated(f.dst) <= allocated(f.src) + 256 * KiB, 'holes kept')
  const again = await cli(['apply', join(f.dir, 'x.patch'), f.dst])
  t.equal(again.code, 0)
  t.match(again.stdout, /already holds this patch's result/)
})

t.test('diff against a live copy, growth and shrink; dry runs write nothing', async t => {
  for (const size of [9 * MiB + 5, 17 * MiB]) {
    const f = files(t, 13 * MiB)
    writeFixture(f.src, Buffer.concat([readFileSync(f.src), randomBytes(4 * MiB)]).subarray(0, size))
    const dry = await cli(['diff', f.src, f.dst, '--dry-run', '--json'])
    t.equal(dry.code, 0, dry.stderr)
    t.equal(dry.json().patch, null)
    t.equal((await cli(['diff', f.src, f.dst, '-o', join(f.dir, 'x.patch')])).code, 0)
    const before = readFileSync(f.dst)
    const ad = await cli(['apply', join(f.dir, 'x.patch'), f.dst, '--dry-run', '--json'])
    t.equal(ad.code, 0, ad.stderr)
    t.ok((ad.json().bytesWritten as number) > 0)
    t.ok(readFileSync(f.dst).equals(before), 'apply --dry-run wrote nothing')
    const a = await cli(['apply', join(f.dir, 'x.patch'), f.dst, '--check-base'])
    t.equal(a.code, 0, a.stderr)
    t.ok(same(f.src, f.dst), `cmp: identical at ${size} bytes`)
  }
})

t.test('refusals: wrong base and another size (exit 7), damaged patches (exit 4)', async t => {
  const f = files(t, 6 * MiB)
  const patch = join(f.dir, 'x.patch')
  t.equal((await cli(['diff', f.src, f.dst, '-o', patch])).code, 0)
  const other = join(f.dir, 'other.img')
  writeFixture(other, sampleData(6 * MiB))
  const wrong = await cli(['apply', patch, other, '--json'])
  t.equal(wrong.code, 7)
  t.match(wrong.json(), {code: 'E_PATCH_BASE'})
  writeFixture(other, sampleData(5 * MiB))
  const size = await cli(['apply', patch, other, '--json'])
  t.equal(size.code, 7)
  t.match(size.json(), {code: 'E_PATCH_SIZE'})
  const bytes = readFileSync(patch)
  const before = readFileSync(f.dst)
  for (const [name, bad] of [['cut in the middle', bytes.subarray(0, bytes.length >> 1)], ['cut before its end record', bytes.subarray(0, bytes.length - 40)],
    ['a flipped byte', Buffer.from(bytes).fill(0x5a, bytes.length >> 2, (bytes.length >> 2) + 1)]] as const) {
    writeFileSync(join(f.dir, 'bad.patch'), bad)
    const r = await cli(['apply', join(f.dir, 'bad.patch'), f.dst, '--json'])
    t.equal(r.code, 4, name)
    t.match(r.json(), {code: 'E_PATCH_DAMAGED'}, name)
  }
  t.ok(readFileSync(f.dst).equals(before), 'nothing written by any refusal')
})

t.test('an apply killed at several points is finished by blockpair resume', async t => {
  const f = files(t, 24 * MiB)
  const patch = join(f.dir, 'x.patch')
  t.equal((await cli(['diff', f.src, f.dst, '-o', patch])).code, 0)
  const state = join(f.dir, 'state')
  // Segments are 4 MiB; each has changes, so each start is a point the write
  // pass reaches. Killed first before writing, then in the resumes.
  const env = (at: number): NodeJS.ProcessEnv => ({BLOCKPAIR_FAULT: `apply-kill:${at}`, BLOCKPAIR_APPLY_CHECKPOINT_BYTES: '1'})
  t.equal((await cli(['apply', patch, f.dst, '--state-dir', state], {env: env(0)})).signal, 'SIGKILL', 'apply killed before its first write')
  t.equal((await cli(['resume', '--state-dir', state], {env: env(8 * MiB)})).signal, 'SIGKILL', 'resume killed at 8 MiB')
  const fresh = await cli(['apply', patch, f.dst, '--json', '--state-dir', join(f.dir, 'other-state')])
  t.equal(fresh.code, 7, 'a new apply of a half-applied target is refused')
  t.match(fresh.json(), {code: 'E_PATCH_APPLIED_PART'})
  t.equal((await cli(['resume', '--state-dir', state], {env: env(20 * MiB)})).signal, 'SIGKILL', 'resume killed at 20 MiB')
  const r = await cli(['resume', '--state-dir', state, '--json'])
  t.equal(r.code, 0, r.stderr)
  const from = r.json().resumedFrom as number
  // Checkpoints are saved in the background: the kill may beat the last one.
  t.ok(from >= 4 * MiB && from <= 20 * MiB, `resumed from a checkpoint (${from})`)
  t.ok(same(f.src, f.dst), 'cmp: identical after the resume')
  const jobs = await cli(['jobs', '--state-dir', state, '--json'])
  t.equal(jobs.code, 0)
})

t.test('diff against a live agent, then apply locally', async t => {
  const f = files(t, 14 * MiB, {sparse: true})
  const key = await keygen(f.dir)
  const agent = await startAgent(t, {allow: [f.dir], keyFile: key})
  const p = await cli(['diff', f.src, agent.url(f.dst), '--psk-file', key, '-o', join(f.dir, 'x.patch'), '--json'])
  t.equal(p.code, 0, p.stderr)
  t.match(p.json(), {ok: true, against: 'copy', baseSize: 14 * MiB})
  t.notOk(same(f.src, f.dst), 'the agent wrote nothing')
  const a = await cli(['apply', join(f.dir, 'x.patch'), f.dst, '--check-base', '--json'])
  t.equal(a.code, 0, a.stderr)
  t.match(a.json(), {baseChecked: 'whole'})
  t.ok(same(f.src, f.dst), 'cmp: identical')
})

t.test('diff against a copy reached over ssh, with growth', {skip: sshdSkipReason()}, async t => {
  const sshd = await startSshd(t)
  const f = files(t, 10 * MiB)
  writeFixture(f.src, Buffer.concat([readFileSync(f.src), randomBytes(3 * MiB + 11)]))
  const p = await cli(['diff', f.src, `${sshd.target}:${f.dst}`, '--ssh', sshd.sshCommand, '--remote-bin', REMOTE_BIN, '-o', join(f.dir, 'x.patch'), '--json'])
  t.equal(p.code, 0, p.stderr)
  const a = await cli(['apply', join(f.dir, 'x.patch'), f.dst])
  t.equal(a.code, 0, a.stderr)
  t.ok(same(f.src, f.dst), 'cmp: identical')
})
