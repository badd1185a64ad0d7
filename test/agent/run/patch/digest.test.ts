// Digest files: their whole-copy digest is the one a sync computes over the
// same blocks with the same seed, all-zero blocks cost a bit, and a digest
// stands in for its copy in a diff even when the source's size cuts one of
// its blocks to another length (that block is then sent whole).
import t from 'tap'
import {randomBytes} from 'node:crypto'
import {readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {BlockHasher} from '../../../../agent/engine/hash.js'
import {APPLY_DEFAULTS, runApply} from '../../../../agent/run/patch/apply.js'
import {runDiff} from '../../../../agent/run/patch/diff.js'
import {isDigestFile, writeDigest} from '../../../../agent/run/patch/digest.js'
import {scan} from '../../../../agent/run/patch/format.js'
import {KiB, MiB, sampleData, scatterChanges, writeFixture} from '../../../helpers/blocks.js'

t.test('the digest is the seeded digest over the block hashes; zeros are nearly free', async t => {
  const dir = t.testdir()
  const data = Buffer.concat([sampleData(5 * MiB + 999), Buffer.alloc(8 * MiB)])
  writeFixture(join(dir, 'img'), data, {sparse: true})
  const s = await writeDigest(join(dir, 'img'), join(dir, 'img.digest'), 64 * KiB)
  const {header, end} = await scan(join(dir, 'img.digest'), 'blockpair-digest')
  const h = new BlockHasher(Buffer.from(header.seed ?? []))
  const hashes = Buffer.alloc(Math.ceil(data.length / (64 * KiB)) * 16)
  h.hashBlocks(data, 64 * KiB, hashes, 0)
  // A sync's digest is updated segment by segment; one update over all of it is the same stream.
  const d = h.digest()
  d.update(hashes)
  t.equal(Buffer.from(end.digest ?? []).toString('hex'), Buffer.from(d.digest()).toString('hex'))
  t.equal(s.digest, Buffer.from(end.digest ?? []).toString('hex'))
  t.ok(s.fileBytes < (6 * MiB / (64 * KiB)) * 16 + 4 * KiB, 'the 8 MiB of zeros cost almost nothing')
  t.equal(await isDigestFile(join(dir, 'img.digest')), true)
  t.equal(await isDigestFile(join(dir, 'img')), false)
  t.equal(statSync(join(dir, 'img.digest')).size, s.fileBytes)
})

for (const [name, baseSize, srcSize] of [['growth', 3 * MiB + 1000, 5 * MiB + 7], ['shrink', 6 * MiB + 4097, 2 * MiB + 333]] as const) {
  t.test(`${name} against a digest, sizes not on a block boundary`, async t => {
    const dir = t.testdir()
    const base = sampleData(baseSize)
    const src = Buffer.concat([scatterChanges(base, 9), randomBytes(Math.max(0, srcSize - baseSize))]).subarray(0, srcSize)
    writeFixture(join(dir, 'src'), src)
    writeFixture(join(dir, 'target'), base)
    await writeDigest(join(dir, 'target'), join(dir, 'digest'), 64 * KiB)
    const d = await runDiff(join(dir, 'src'), join(dir, 'digest'), join(dir, 'patch'), {blockSize: 4 * KiB, compress: 'none', dryRun: false})
    t.equal(d.blockSize, 64 * KiB, 'the digest decides the block size')
    t.equal(d.baseDigest, '', 'one block cannot be known: no whole-copy base digest')
    const a = await runApply(join(dir, 'patch'), join(dir, 'target'), {...APPLY_DEFAULTS, stateDir: join(dir, 'state'), checkBase: true})
    t.equal(a.baseChecked, 'blocks')
    t.ok(readFileSync(join(dir, 'target')).equals(src))
  })
}

t.test('a damaged digest fails the diff, and leaves no patch', async t => {
  const dir = t.testdir()
  writeFixture(join(dir, 'img'), sampleData(9 * MiB))
  await writeDigest(join(dir, 'img'), join(dir, 'digest'), 64 * KiB)
  const bytes = readFileSync(join(dir, 'digest'))
  writeFixture(join(dir, 'digest'), bytes.subarray(0, bytes.length - 30))
  await t.rejects(runDiff(join(dir, 'img'), join(dir, 'digest'), join(dir, 'patch'), {blockSize: 64 * KiB, compress: 'none', dryRun: false}), {code: 'E_PATCH_DAMAGED'})
  t.throws(() => statSync(join(dir, 'patch')))
  t.throws(() => statSync(join(dir, 'patch.tmp')))
})
