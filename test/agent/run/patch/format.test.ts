// The record format of patch and digest files: what is written reads back,
// and every kind of damage (cut at each record boundary, cut inside each
// record, any byte flipped, another kind of file) is found by scan as
// E_PATCH_DAMAGED before a single record is handed to a writer.
import t from 'tap'
import {randomBytes} from 'node:crypto'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {parseCompression, records, RecordWriter, scan, type Compression} from '../../../../agent/run/patch/format.js'

async function sample(file: string, compression: Compression): Promise<{payloads: Buffer[]; bounds: number[]}> {
  const w = new RecordWriter(file, {magic: 'blockpair-patch', size: 1 << 20, baseSize: 1 << 20, blockSize: 65536, seed: randomBytes(8), compression})
  const payloads = [randomBytes(4096), randomBytes(10_000), Buffer.alloc(8192, 7)]
  await w.add('patchBlocks', {segment: 0, blocks: [0, 3], base: randomBytes(32), result: randomBytes(32)})
  for (const [i, p] of payloads.entries()) await w.addData(i * 65536, p)
  await w.add('zero', {offset: 5 * 65536, length: 65536})
  await w.end({baseDigest: randomBytes(16), digest: randomBytes(16), bytesData: 22_288, bytesZero: 65536})
  // Record boundaries of the uncompressed file: each is 4 + body (+ payload) + 16.
  const bytes = readFileSync(file)
  const bounds: number[] = []
  if (compression === '') {
    for (let at = 0; at < bytes.length;) {
      const body = bytes.readUInt32BE(at)
      const payload = [4096, 10_000, 8192][bounds.length - 2] ?? 0
      at += 4 + body + (bounds.length >= 2 && bounds.length <= 4 ? payload : 0) + 16
      bounds.push(at)
    }
  }
  return {payloads, bounds}
}

for (const c of ['', 'gzip', 'br'] as const) {
  t.test(`records round trip (compression '${c || 'none'}')`, async t => {
    const file = join(t.testdir(), 'p')
    const {payloads} = await sample(file, c)
    const {header, end} = await scan(file, 'blockpair-patch')
    t.equal(header.compression, c)
    t.equal(end.records, 5)
    const kinds: string[] = []
    const got: Buffer[] = []
    for await (const f of records(file, 'blockpair-patch')) {
      kinds.push(f.kind)
      if (f.kind === 'data') got.push(f.payload as Buffer)
    }
    t.same(kinds, ['patchBlocks', 'data', 'data', 'data', 'zero'])
    t.same(got.map(b => b.toString('hex')), payloads.map(b => b.toString('hex')))
    await t.rejects(scan(file, 'blockpair-digest'), {code: 'E_PATCH_DAMAGED'}, 'a patch is not a digest')
  })
}

t.test('a file cut at every record boundary and inside every record is damaged', async t => {
  const dir = t.testdir()
  const file = join(dir, 'p')
  const {bounds} = await sample(file, '')
  const whole = readFileSync(file)
  t.equal(bounds[bounds.length - 1], whole.length, 'the boundaries add up to the file')
  const cuts = new Set<number>([0])
  let prev = 0
  for (const b of bounds.slice(0, -1)) {
    cuts.add(b)
    cuts.add(prev + 2)
    cuts.add(Math.floor((prev + b) / 2))
    cuts.add(b - 1)
    prev = b
  }
  for (const cut of cuts) {
    writeFileSync(join(dir, 'cut'), whole.subarray(0, cut))
    await t.rejects(scan(join(dir, 'cut'), 'blockpair-patch'), {code: 'E_PATCH_DAMAGED'}, `cut at ${cut} of ${whole.length}`)
  }
  writeFileSync(join(dir, 'longer'), Buffer.concat([whole, whole.subarray(bounds[0] as number, bounds[1])]))
  await t.rejects(scan(join(dir, 'longer'), 'blockpair-patch'), {code: 'E_PATCH_DAMAGED'}, 'a record after the end')
})

t.test('any flipped byte is found, compressed or not', async t => {
  const dir = t.testdir()
  for (const c of ['', 'gzip'] as const) {
    const file = join(dir, `p${c}`)
    await sample(file, c)
    const whole = readFileSync(file)
    // Every byte of a small file would be slow under tap; a stride still hits every record and field.
    for (let at = 0; at < whole.length; at += c ? 97 : 211) {
      const bad = Buffer.from(whole)
      bad[at] = (bad[at] as number) ^ 0x10
      writeFileSync(join(dir, 'bad'), bad)
      await t.rejects(scan(join(dir, 'bad'), 'blockpair-patch'), {code: 'E_PATCH_DAMAGED'}, `${c || 'plain'}: byte ${at} flipped`)
    }
  }
})

t.test('a file that is not one, and a missing one', async t => {
  const dir = t.testdir()
  writeFileSync(join(dir, 'img'), randomBytes(100_000))
  await t.rejects(scan(join(dir, 'img'), 'blockpair-patch'), {code: 'E_PATCH_DAMAGED'})
  writeFileSync(join(dir, 'empty'), '')
  await t.rejects(scan(join(dir, 'empty'), 'blockpair-patch'), {code: 'E_PATCH_DAMAGED'})
  await t.rejects(scan(join(dir, 'none'), 'blockpair-patch'), {code: 'E_NOT_FOUND'})
})

t.test('--compress takes none, gzip and brotli', async t => {
  t.equal(parseCompression('none'), '')
  t.equal(parseCompression('brotli'), 'br')
  t.equal(parseCompression('gzip'), 'gzip')
  t.throws(() => parseCompression('zstd'), {code: 'E_COMPRESSION'})
})
