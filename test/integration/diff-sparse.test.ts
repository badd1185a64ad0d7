// Regression: `blockpair diff` of a sparse image hung, and the CLI then
// exited 0 with no output and no patch (a stray PATCH.tmp). The source ends
// segments that are zero at both ends only in runs of HOLE_RUN (16), while
// the diff's destination opened at most WINDOW (5) segments: past 20 MiB of
// holes both sides waited for each other and Node's event loop ran dry. A
// base with allocated zeros (a thick image, a zeroed device) pinned a buffer
// per zero segment as well. Every shape here is larger than 16 segments.
import t from 'tap'
import {randomBytes} from 'node:crypto'
import {join} from 'node:path'
import {runDiff} from '../../agent/run/patch/diff.js'
import {cli, keygen, startAgent} from '../helpers/cli.js'
import {MiB, same, writeFixture} from '../helpers/blocks.js'

const SIZE = 96 * MiB

/** A mostly-hole image with data at its start and end, and the same with one 4 KiB change. */
function sparsePair(dir: string, opts: {baseSparse: boolean}): {src: string; dst: string} {
  const base = Buffer.alloc(SIZE)
  randomBytes(MiB).copy(base, 0)
  randomBytes(MiB).copy(base, SIZE - MiB)
  const next = Buffer.from(base)
  randomBytes(4096).copy(next, 40 * MiB)
  writeFixture(join(dir, 'src.img'), next, {sparse: true})
  writeFixture(join(dir, 'dst.img'), base, {sparse: opts.baseSparse})
  return {src: join(dir, 'src.img'), dst: join(dir, 'dst.img')}
}

t.test('regression (diff of a sparse image hung and exited 0): digest, diff and apply a 96 MiB sparse image', async t => {
  const dir = t.testdir()
  const f = sparsePair(dir, {baseSparse: true})
  const d = await cli(['digest', f.dst, '--out', join(dir, 'dst.digest'), '--json'])
  t.equal(d.code, 0, d.stderr)
  const p = await cli(['diff', f.src, join(dir, 'dst.digest'), '--out', join(dir, 'x.patch'), '--json'])
  t.equal(p.code, 0, p.stderr)
  t.match(p.json(), {ok: true, against: 'digest', size: SIZE, blocksChanged: 1})
  const live = await cli(['diff', f.src, f.dst, '--dry-run', '--json'])
  t.equal(live.code, 0, live.stderr)
  t.match(live.json(), {ok: true, against: 'copy', blocksChanged: 1})
  const a = await cli(['apply', join(dir, 'x.patch'), f.dst, '--json'])
  t.equal(a.code, 0, a.stderr)
  t.ok(same(f.src, f.dst), 'cmp: identical after apply')
})

t.test('regression (diff of a sparse image hung): a base of allocated zeros holds no buffer per zero segment', async t => {
  const dir = t.testdir()
  const f = sparsePair(dir, {baseSparse: false})
  const s = await runDiff(f.src, f.dst, null, {blockSize: 64 * 1024, compress: 'none', dryRun: true})
  t.match(s, {ok: true, against: 'copy', blocksChanged: 1, bytesZero: 0})
})

t.test('regression (diff of a sparse image hung): against a live copy at an agent', async t => {
  const dir = t.testdir({remote: {}})
  const remote = join(dir, 'remote')
  const f = sparsePair(remote, {baseSparse: true})
  const psk = await keygen(dir)
  const agent = await startAgent(t, {allow: [remote], keyFile: psk})
  const p = await cli(['diff', f.src, agent.url(f.dst), '--psk-file', psk, '--out', join(dir, 'x.patch'), '--json'])
  t.equal(p.code, 0, p.stderr)
  t.match(p.json(), {ok: true, against: 'copy', blocksChanged: 1})
  const a = await cli(['apply', join(dir, 'x.patch'), f.dst, '--json'])
  t.equal(a.code, 0, a.stderr)
  t.ok(same(f.src, f.dst), 'cmp: identical after apply')
})
