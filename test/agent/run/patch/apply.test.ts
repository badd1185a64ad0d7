// digest, diff and apply as the library runs them: every round trip ends
// with the target equal to the source byte for byte (holes kept), and every
// refusal comes before anything is written, with its code.
import t, {type Test} from 'tap'
import {randomBytes} from 'node:crypto'
import {readFileSync, statSync, truncateSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {IoError} from '../../../../agent/errors.js'
import {JobStore} from '../../../../agent/run/jobs.js'
import {APPLY_DEFAULTS, runApply, type ApplyOptions} from '../../../../agent/run/patch/apply.js'
import {runDiff} from '../../../../agent/run/patch/diff.js'
import {writeDigest} from '../../../../agent/run/patch/digest.js'
import {records, RecordWriter, scan, type Header} from '../../../../agent/run/patch/format.js'
import {allocated, KiB, MiB, sampleData, scatterChanges, writeFixture} from '../../../helpers/blocks.js'

interface Made {
  dir: string
  src: Buffer
  base: Buffer
  target: string
  patch: string
  o: ApplyOptions
}

/** Files for one case, and a patch from src against base (or against its digest). */
async function make(t: Test, src: Buffer, base: Buffer, opts: {digest?: boolean; sparse?: boolean; blockSize?: number; compress?: string} = {}): Promise<Made> {
  const dir = t.testdir()
  const blockSize = opts.blockSize ?? 64 * KiB
  writeFixture(join(dir, 'src'), src, {sparse: opts.sparse})
  writeFixture(join(dir, 'target'), base, {sparse: opts.sparse})
  let against = join(dir, 'target')
  if (opts.digest) {
    await writeDigest(against, join(dir, 'digest'), blockSize)
    against = join(dir, 'digest')
  }
  const s = await runDiff(join(dir, 'src'), against, join(dir, 'patch'), {blockSize, compress: opts.compress ?? 'none', dryRun: false})
  t.equal(s.against, opts.digest ? 'digest' : 'copy')
  t.ok(readFileSync(join(dir, 'target')).equals(base), 'diff writes nothing to the target')
  return {dir, src, base, target: join(dir, 'target'), patch: join(dir, 'patch'), o: {...APPLY_DEFAULTS, stateDir: join(dir, 'state')}}
}

const cases: Array<[string, () => {src: Buffer; base: Buffer}, boolean]> = [
  ['dense', () => { const base = sampleData(9 * MiB + 4321); return {base, src: scatterChanges(base, 60)} }, false],
  ['sparse', () => { const base = Buffer.alloc(16 * MiB); randomBytes(MiB).copy(base, 3 * MiB); const src = Buffer.from(base); randomBytes(64 * KiB).copy(src, 9 * MiB); src.fill(0, 3 * MiB, 3 * MiB + 256 * KiB); return {base, src} }, true],
  ['growth', () => { const base = sampleData(4 * MiB); return {base, src: Buffer.concat([scatterChanges(base, 7), randomBytes(2 * MiB)])} }, false],
  ['shrink', () => { const base = sampleData(8 * MiB); return {base, src: scatterChanges(base, 7).subarray(0, 5 * MiB)} }, false],
]

for (const [name, build, sparse] of cases) {
  for (const digest of [false, true]) {
    t.test(`${name} against a ${digest ? 'digest' : 'live copy'}: apply makes the source; again is a no-op`, async t => {
      const {src, base} = build()
      const m = await make(t, src, base, {digest, sparse})
      const s = await runApply(m.patch, m.target, {...m.o, checkBase: true})
      t.ok(readFileSync(m.target).equals(src), 'identical to the source')
      t.equal(s.alreadyApplied, false)
      t.equal(s.baseChecked, 'whole')
      if (sparse) t.ok(allocated(m.target) <= allocated(join(m.dir, 'src')) + 64 * KiB, 'holes kept')
      const again = await runApply(m.patch, m.target, m.o)
      t.equal(again.alreadyApplied, true)
      t.equal(again.bytesWritten, 0)
    })
  }
}

t.test('4K blocks against a digest, brotli: the patch is about the changed bytes', async t => {
  const base = sampleData(8 * MiB)
  const src = scatterChanges(base, 30)
  const m = await make(t, src, base, {digest: true, blockSize: 4 * KiB, compress: 'brotli'})
  await runApply(m.patch, m.target, m.o)
  t.ok(readFileSync(m.target).equals(src))
})

t.test('wrong base: refused with exit 7 before anything is written, naming both digests', async t => {
  const base = sampleData(6 * MiB)
  const m = await make(t, scatterChanges(base, 20), base)
  const other = sampleData(6 * MiB)
  writeFileSync(m.target, other)
  const err = await runApply(m.patch, m.target, m.o).then(() => new Error('applied'), (e: Error) => e)
  t.match(err, {code: 'E_PATCH_BASE', exit: 7})
  t.match(err.message, /base digest is [0-9a-f]{32}, the target's is [0-9a-f]{32}/)
  t.ok(readFileSync(m.target).equals(other), 'nothing written')
  // A change the patch does not touch is found only by --check-base.
  const quiet = Buffer.from(base)
  quiet[5 * MiB + 17] = (quiet[5 * MiB + 17] as number) ^ 1
  const n = await make(t, scatterChanges(base, 2), base)
  writeFileSync(n.target, quiet)
  await t.rejects(runApply(n.patch, n.target, {...n.o, checkBase: true}), {code: 'E_PATCH_BASE'})
  t.ok(readFileSync(n.target).equals(quiet), 'nothing written')
})

t.test('a patch for another size: refused with exit 7', async t => {
  const base = sampleData(3 * MiB)
  const m = await make(t, scatterChanges(base, 5), base)
  truncateSync(m.target, 3 * MiB - 4096)
  await t.rejects(runApply(m.patch, m.target, m.o), {code: 'E_PATCH_SIZE', exit: 7})
  t.equal(statSync(m.target).size, 3 * MiB - 4096)
})

t.test('a damaged patch: refused with exit 4, nothing written', async t => {
  const base = sampleData(3 * MiB)
  const m = await make(t, scatterChanges(base, 5), base)
  const bytes = readFileSync(m.patch)
  writeFileSync(m.patch, bytes.subarray(0, bytes.length - 20))
  await t.rejects(runApply(m.patch, m.target, m.o), {code: 'E_PATCH_DAMAGED', exit: 4})
  t.ok(readFileSync(m.target).equals(base))
})

t.test('dry runs: diff writes no patch, apply writes nothing and says how much it would', async t => {
  const base = sampleData(3 * MiB)
  const m = await make(t, scatterChanges(base, 8), base)
  const d = await runDiff(join(m.dir, 'src'), m.target, null, {blockSize: 64 * KiB, compress: 'none', dryRun: true})
  t.equal(d.patch, null)
  t.ok(d.bytesData > 0)
  const a = await runApply(m.patch, m.target, {...m.o, dryRun: true})
  t.equal(a.bytesWritten, d.bytesData)
  t.ok(readFileSync(m.target).equals(base))
  await t.rejects(runDiff(join(m.dir, 'src'), m.target, null, {blockSize: 64 * KiB, compress: 'none', dryRun: false}), {code: 'E_PATCH_TARGET'})
})

t.test('an apply stopped by an error resumes from its checkpoint; a half-applied target is not taken for a base', async t => {
  const base = sampleData(24 * MiB)
  const src = scatterChanges(base, 200)
  const m = await make(t, src, base)
  const o = {...m.o, checkpointBytes: 1}
  const err = await runApply(m.patch, m.target, o, {onProgress: done => { if (done >= 12 * MiB) throw new IoError('E_IO', 'cut here') }}).catch(e => e as IoError)
  t.match(err, {code: 'E_IO'})
  t.notOk(readFileSync(m.target).equals(src), 'stopped part way')
  await t.rejects(runApply(m.patch, m.target, o), {code: 'E_PATCH_APPLIED_PART', exit: 7}, 'a fresh apply sees the half-written target')
  const store = new JobStore(o.stateDir as string)
  const job = store.list()[0]
  t.ok(job && job.kind === 'apply' && job.checkpoint > 0, 'the job has a checkpoint')
  const from = job?.checkpoint
  const s = await runApply(m.patch, m.target, o, {}, job)
  t.equal(s.resumedFrom, from)
  t.ok(readFileSync(m.target).equals(src), 'resumed to the source')
  t.equal(store.get(job?.id as string).state, 'done')
})

t.test('a patch whose pieces do not make its result (checksums whole): E_PATCH_RESULT, from the bytes written or read back', async t => {
  // 4K blocks: every touched block is covered by what is written, hashed with no read;
  // 64K blocks: written in part, the rest of each block read back.
  for (const blockSize of [4 * KiB, 64 * KiB]) {
    const base = sampleData(6 * MiB)
    const m = await make(t, scatterChanges(base, 20), base, {blockSize})
    const forged = join(m.dir, 'forged')
    let header: Header | null = null
    let flipped = false
    const frames = []
    for await (const f of records(m.patch, 'blockpair-patch', h => { header = h })) frames.push(f)
    const w = new RecordWriter(forged, header as unknown as Header)
    for (const f of frames) {
      if (f.kind === 'data' && !flipped) {
        const payload = Buffer.from(f.payload as Buffer)
        payload[0] = (payload[0] as number) ^ 1
        flipped = true
        await w.addData(f.msg.offset ?? 0, payload)
      } else if (f.kind === 'data') await w.addData(f.msg.offset ?? 0, f.payload as Buffer)
      else if (f.kind === 'patchBlocks') await w.add('patchBlocks', f.msg)
      else if (f.kind === 'zero') await w.add('zero', f.msg)
    }
    const {end} = await scan(m.patch, 'blockpair-patch')
    await w.end(end)
    await t.rejects(runApply(forged, m.target, m.o), {code: 'E_PATCH_RESULT'}, `${blockSize / KiB}K blocks`)
  }
})
