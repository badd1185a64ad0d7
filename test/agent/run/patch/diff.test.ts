// runDiff on its own: what it refuses, what a patch weighs against the bytes
// that changed, and that compression changes the file, not its records.
import t from 'tap'
import {join} from 'node:path'
import {runDiff} from '../../../../agent/run/patch/diff.js'
import {writeDigest} from '../../../../agent/run/patch/digest.js'
import {records} from '../../../../agent/run/patch/format.js'
import {KiB, MiB, sampleData, scatterChanges, writeFixture} from '../../../helpers/blocks.js'

const opts = {blockSize: 64 * KiB, compress: 'none', dryRun: false}

t.test('a digest is no source, and a patch needs somewhere to go', async t => {
  const dir = t.testdir()
  writeFixture(join(dir, 'img'), sampleData(2 * MiB))
  await writeDigest(join(dir, 'img'), join(dir, 'digest'), 64 * KiB)
  await t.rejects(runDiff(join(dir, 'digest'), join(dir, 'img'), join(dir, 'p'), opts), {code: 'E_PATCH_TARGET', exit: 2})
  await t.rejects(runDiff(join(dir, 'img'), join(dir, 'img'), null, opts), {code: 'E_PATCH_TARGET'})
  await t.rejects(runDiff(join(dir, 'img'), join(dir, 'img'), join(dir, 'p'), {...opts, compress: 'zip'}), {code: 'E_COMPRESSION', exit: 2})
  await t.rejects(runDiff(join(dir, 'img'), join(dir, 'missing'), join(dir, 'p'), opts), {code: 'E_NOT_FOUND'})
})

t.test('scattered 4 KiB changes: the patch is within 2% of the changed bytes', async t => {
  const dir = t.testdir()
  const base = sampleData(32 * MiB)
  writeFixture(join(dir, 'base'), base)
  writeFixture(join(dir, 'src'), scatterChanges(base, 300))
  const s = await runDiff(join(dir, 'src'), join(dir, 'base'), join(dir, 'p'), opts)
  t.ok(s.bytesData > 0)
  t.ok(s.patchBytes <= 1.02 * (s.bytesData + 64 * KiB), `${s.patchBytes} bytes for ${s.bytesData} changed`)
})

t.test('compression changes the file, not its records', async t => {
  const dir = t.testdir()
  const base = Buffer.alloc(8 * MiB, 'abcdefgh')
  const src = Buffer.from(base)
  src.fill('zyxwvuts', 3 * MiB, 4 * MiB)
  writeFixture(join(dir, 'base'), base)
  writeFixture(join(dir, 'src'), src)
  const seen: string[] = []
  const sizes: number[] = []
  for (const compress of ['none', 'gzip', 'brotli']) {
    const s = await runDiff(join(dir, 'src'), join(dir, 'base'), join(dir, compress), {...opts, compress})
    sizes.push(s.patchBytes)
    let kinds = ''
    for await (const f of records(join(dir, compress), 'blockpair-patch')) kinds += `${f.kind}@${f.kind === 'data' || f.kind === 'zero' ? f.msg.offset : ''} `
    seen.push(kinds)
  }
  t.equal(seen[1], seen[0])
  t.equal(seen[2], seen[0])
  t.ok((sizes[1] as number) < (sizes[0] as number) / 10 && (sizes[2] as number) < (sizes[0] as number) / 10, `compressible data shrinks: ${sizes.join(', ')}`)
})
