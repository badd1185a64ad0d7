// Sizes as people write them, and as blockpair prints them.
import t from 'tap'
import {EXIT} from '../../../agent/errors.js'
import {formatBytes, formatRange, parseAge, parseRate, parseSize, plural} from '../../../agent/run/units.js'

t.test('parseSize: suffixes are powers of 1024', async t => {
  const cases: Array<[string, number]> = [
    ['0', 0], ['4096', 4096], ['4K', 4096], ['4k', 4096], ['64K', 65536], ['64KiB', 65536], ['64KB', 65536],
    ['1M', 1 << 20], ['1.5M', 1.5 * (1 << 20)], ['2G', 2 ** 31], ['1T', 2 ** 40], [' 8M ', 8 << 20], ['16 M', 16 << 20],
  ]
  for (const [text, n] of cases) t.equal(parseSize(text, '--block-size'), n, JSON.stringify(text))
})

t.test('parseSize refuses what is not a size', async t => {
  for (const bad of ['', 'K', '-4K', '4X', '4KK', '1e3', '0x1000', '4 K B', '99999999999999T']) {
    t.throws(() => parseSize(bad, '--block-size'), {code: 'E_SIZE', exit: EXIT.USAGE}, JSON.stringify(bad))
  }
})

t.test('formatBytes', async t => {
  t.equal(formatBytes(0), '0 B')
  t.equal(formatBytes(1023), '1023 B')
  t.equal(formatBytes(1024), '1.00 KiB')
  t.equal(formatBytes(64 * 1024), '64.0 KiB')
  t.equal(formatBytes(1.5 * 2 ** 30), '1.50 GiB')
  t.equal(formatBytes(2 ** 50), '1024.0 TiB', 'stops at TiB')
})

t.test('parseAge: s, m, h, d, w', async t => {
  t.same(['90s', '30m', '12h', '7d', '2w', '1.5h'].map(a => parseAge(a, '--older-than')), [90_000, 1_800_000, 43_200_000, 604_800_000, 1_209_600_000, 5_400_000])
  for (const bad of ['', '7', 'd', '-1d', '7y']) t.throws(() => parseAge(bad, '--older-than'), {code: 'E_DURATION', exit: EXIT.USAGE}, bad)
})

t.test('parseRate: a bare number is KiB/s (rsync), B means bytes', async t => {
  t.same(['20000', '1.5', '100M', '4096B', '8K'].map(r => parseRate(r, '--bwlimit')), [20000 * 1024, 1536, 100 << 20, 4096, 8192])
  t.throws(() => parseRate('fast', '--bwlimit'), {code: 'E_SIZE'})
})

t.test('formatRange and plural', async t => {
  t.equal(formatRange({offset: 5 << 20, length: 65536}), '64.0 KiB at 5.00 MiB')
  t.same([plural(1, 'range'), plural(0, 'range'), plural(3, 'file')], ['1 range', '0 ranges', '3 files'])
})
