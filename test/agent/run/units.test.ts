// Sizes as people write them, and as blockpair prints them.
import t from 'tap'
import {EXIT} from '../../../agent/errors.js'
import {formatBytes, parseSize} from '../../../agent/run/units.js'

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
