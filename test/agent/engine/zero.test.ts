import t, {type Test} from 'tap'
import {randomBytes} from 'node:crypto'
import {ZERO_CHUNK, isZero, isZeroReference} from '../../../agent/engine/zero.js'

// bdsync bug #39: a fast zero check that was wrong for one byte. Every case
// here is checked against the byte loop and against the expected answer, so
// a broken reference cannot hide a broken fast path.
function check(t: Test, buf: Uint8Array, expected: boolean, what: string): boolean {
  const fast = isZero(buf)
  const ref = isZeroReference(buf)
  if (fast === expected && ref === expected) return true
  t.fail(`${what}: isZero=${fast} reference=${ref} expected=${expected}`)
  return false
}

// A backing buffer whose bytes outside the view are all non-zero, so a check
// that ignores byteOffset/byteLength reads the wrong bytes and gets caught.
function view(len: number, byteOffset: number): Buffer {
  const backing = Buffer.alloc(byteOffset + len + 7, 0xff)
  const v = backing.subarray(byteOffset, byteOffset + len)
  v.fill(0)
  return v
}

t.test('empty and one-byte buffers', async t => {
  t.equal(isZero(Buffer.alloc(0)), true)
  t.equal(isZero(new Uint8Array(0)), true)
  t.equal(isZero(Buffer.from([0])), true)
  for (let v = 1; v < 256; v++) check(t, Buffer.from([v]), false, `[${v}]`)
})

t.test('one non-zero byte at every position, lengths 1..300, odd view offsets', async t => {
  let cases = 0
  for (const byteOffset of [0, 1, 3, 7]) {
    for (let len = 1; len <= 300; len++) {
      const buf = view(len, byteOffset)
      if (!check(t, buf, true, `zero len=${len} off=${byteOffset}`)) return
      for (let i = 0; i < len; i++) {
        for (const v of [0x01, 0x80]) {
          buf[i] = v
          const ok = check(t, buf, false, `len=${len} off=${byteOffset} pos=${i} v=${v}`)
          buf[i] = 0
          if (!ok) return
          cases++
        }
      }
    }
  }
  t.pass(`${cases} single-byte cases agree`)
})

t.test('lengths around the shared zero chunk', async t => {
  const lens = [ZERO_CHUNK - 1, ZERO_CHUNK, ZERO_CHUNK + 1, 2 * ZERO_CHUNK - 1, 2 * ZERO_CHUNK, 2 * ZERO_CHUNK + 1, 3 * ZERO_CHUNK + 13]
  for (const byteOffset of [0, 5]) {
    for (const len of lens) {
      const buf = view(len, byteOffset)
      check(t, buf, true, `zero len=${len} off=${byteOffset}`)
      const positions = new Set([0, 1, len - 1, len - 2, ZERO_CHUNK - 1, ZERO_CHUNK, ZERO_CHUNK + 1, 2 * ZERO_CHUNK - 1, 2 * ZERO_CHUNK])
      for (const i of positions) {
        if (i < 0 || i >= len) continue
        buf[i] = 0x01
        check(t, buf, false, `len=${len} off=${byteOffset} pos=${i}`)
        buf[i] = 0
      }
    }
  }
})

t.test('whole zero blocks of common sizes, including 16 MiB', async t => {
  for (const size of [512, 4096, 65536, 1 << 20, 16 << 20]) {
    const buf = Buffer.alloc(size)
    t.equal(isZero(buf), true, `${size} zero`)
    buf[size - 1] = 1
    t.equal(isZero(buf), false, `${size} last byte set`)
    buf[size - 1] = 0
    buf[0] = 1
    t.equal(isZero(buf), false, `${size} first byte set`)
  }
})

t.test('random blocks agree with the reference', async t => {
  // From empty to dense, so that both answers occur often.
  let zeros = 0
  for (let n = 0; n < 2000; n++) {
    const [lenByte = 0, densityByte = 0] = randomBytes(2)
    const len = (lenByte * 37) % 5000
    const buf = Buffer.alloc(len)
    const noise = randomBytes(len)
    const threshold = [0, 1, 2, 256][densityByte % 4] ?? 0
    for (let i = 0; i < len; i++) if ((noise[i] ?? 0) < threshold) buf[i] = noise[i] ?? 0
    const ref = isZeroReference(buf)
    if (ref) zeros++
    if (isZero(buf) !== ref) return t.fail(`random case ${n}: len=${len} disagrees`)
  }
  t.ok(zeros > 0, `${zeros} of 2000 random blocks were zero`)
})

t.test('typed-array views over a shared ArrayBuffer', async t => {
  const ab = new ArrayBuffer(1024)
  const all = new Uint8Array(ab)
  all[100] = 9
  t.equal(isZero(new Uint8Array(ab, 101, 500)), true, 'view after the set byte')
  t.equal(isZero(new Uint8Array(ab, 0, 100)), true, 'view before the set byte')
  t.equal(isZero(new Uint8Array(ab, 99, 2)), false, 'view covering it')
  t.equal(isZero(Buffer.from(ab, 100, 1)), false, 'Buffer view of just that byte')
})
