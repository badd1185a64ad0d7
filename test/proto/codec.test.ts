// The frame codec against hostile bytes: every frame kind round trips, frames
// survive any chunking, and anything malformed ends the stream with one error
// carrying a stable code, never an exception out of push().
import t, {type Test} from 'tap'
import {randomBytes} from 'node:crypto'
import {
  decodeFileFrame, encodeDataHeader, encodeFrame, encodePiecesHeader, forEachPiece, FrameDecoder, MAX_FRAME, MAX_PAYLOAD, Role,
  type Frame, type FrameKind, type Message,
} from '../../proto/codec.js'
import type {ProtocolError} from '../../agent/errors.js'

interface Sink {
  frames: Frame[]
  errors: ProtocolError[]
  decoder: FrameDecoder
  /** push() that reports a throw as a value, so a test can assert there was none. */
  feed(chunk: Buffer): unknown
}

function sink(): Sink {
  const frames: Frame[] = []
  const errors: ProtocolError[] = []
  const decoder = new FrameDecoder({onFrame: f => frames.push(f), onError: e => errors.push(e)})
  return {
    frames, errors, decoder,
    feed(chunk) {
      try {
        decoder.push(chunk)
        return null
      } catch (err) {
        return err
      }
    },
  }
}

/** A length prefix and a raw body, bypassing the encoder. */
function raw(body: Buffer | number[]): Buffer {
  const b = Buffer.from(body)
  const out = Buffer.alloc(4 + b.length)
  out.writeUInt32BE(b.length, 0)
  b.copy(out, 4)
  return out
}

function prefix(n: number): Buffer {
  const b = Buffer.alloc(4)
  b.writeUInt32BE(n, 0)
  return b
}

const big = 2 ** 40 + 12345

/** The kinds that travel on the wire; the file kinds (FILE_KINDS) never do. */
type WireKind = Exclude<FrameKind, 'fileHeader' | 'patchBlocks' | 'fileEnd'>

// One sample of every kind, with every field set to a non-default value.
const samples: {[K in WireKind]: Message<K>} = {
  hello: {version: 1, initiator: true, capabilities: ['sparse', 'refine4k'], hashAlgorithm: 'xxh3-128', seed: Buffer.from('0102030405060708', 'hex'), software: 'blockpair 0.1.0'},
  open: {path: '/images/vm.img', role: Role.DEST, blockSize: 65536, dryRun: true, force: true, sourceSize: big, job: 'j1', resumeFrom: 2 ** 33, verifyOnly: true},
  opened: {size: big, existed: true, isDevice: true, mtimeMs: 1_700_000_000_123, dev: 2049, ino: 2 ** 35 + 7},
  start: {size: big, blockSize: 4096, start: 2 ** 32, end: big, destZeroFrom: 2 ** 36, dryRun: true},
  manifest: {segment: 3, hashes: randomBytes(16 * 64)},
  refine: {segment: 5, blocks: [0, 7, 63]},
  refineHashes: {segment: 5, hashes: randomBytes(16 * 48)},
  data: {offset: big, length: 4096},
  zero: {offset: 2 ** 33, length: 2 ** 34},
  segmentEnd: {segment: 2 ** 33 + 1},
  checkpoint: {offset: big},
  finish: {digest: randomBytes(16), stats: {bytesRead: 2 ** 41, bytesWritten: 5, bytesZeroed: 6, bytesSent: 2 ** 34, blocksChanged: 9}},
  finished: {digest: randomBytes(16), stats: {bytesRead: 1, bytesWritten: 2 ** 33, bytesZeroed: 3, bytesSent: 4, blocksChanged: 2 ** 32 + 5}},
  error: {code: 'E_NOT_ALLOWED', exit: 7, message: 'outside --allow'},
  keepalive: {},
}

/** Compare a decoded message with what was sent, field by field (bytes as bytes). */
function sameMessage(t: Test, got: unknown, want: unknown, where: string): void {
  const g = got as Record<string, unknown>
  for (const [k, v] of Object.entries(want as Record<string, unknown>)) {
    const gv = g[k]
    if (Buffer.isBuffer(v)) {
      t.ok(gv instanceof Uint8Array && Buffer.from(gv).equals(v), `${where}.${k} bytes`)
    } else if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      sameMessage(t, gv, v, `${where}.${k}`)
    } else {
      t.same(gv, v, `${where}.${k}`)
      if (typeof v === 'number') t.equal(typeof gv, 'number', `${where}.${k} decodes as a number`)
    }
  }
}

t.test('every frame kind round trips', async t => {
  const kinds = Object.keys(samples) as WireKind[]
  t.equal(kinds.length, 15, 'all 15 kinds of the oneof')
  for (const kind of kinds) {
    const s = sink()
    const msg = samples[kind]
    const bytes = kind === 'data' ? Buffer.concat([encodeDataHeader(big, 4096), Buffer.alloc(4096, 7)]) : encodeFrame(kind, msg as never)
    t.equal(bytes.readUInt32BE(0), kind === 'data' ? bytes.length - 4 - 4096 : bytes.length - 4, `${kind}: big-endian length prefix`)
    t.equal(s.feed(bytes), null)
    t.same(s.errors, [], `${kind}: no error`)
    t.equal(s.frames.length, 1, `${kind}: one frame`)
    const f = s.frames[0] as Frame
    t.equal(f.kind, kind)
    sameMessage(t, f.msg, msg, kind)
    if (kind === 'data') t.ok(f.payload?.equals(Buffer.alloc(4096, 7)), 'data payload')
    else t.equal(f.payload, undefined, `${kind}: no payload`)
    t.equal(s.decoder.bufferedBytes, 0)
    s.decoder.end()
    t.same(s.errors, [], `${kind}: a clean end is no error`)
  }
})

t.test('messages with every field at its default still decode as their kind', async t => {
  for (const kind of Object.keys(samples) as FrameKind[]) {
    const s = sink()
    s.feed(encodeFrame(kind, {} as never))
    t.equal(s.frames[0]?.kind, kind, kind)
    t.same(s.errors, [])
  }
  const s = sink()
  s.feed(encodeFrame('data', {offset: 0, length: 0}))
  t.equal(s.frames[0]?.kind, 'data')
  t.equal(s.frames[0]?.payload?.length, 0, 'a data frame of length 0 has an empty payload')
  const m = s.frames[0]?.msg as Message<'data'>
  t.equal(m.offset, 0, 'an omitted uint64 reads as 0, not undefined')
  t.equal(m.length, 0)
})

t.test('a data frame fed one byte at a time', async t => {
  const payload = randomBytes(10_000)
  const stream = Buffer.concat([encodeFrame('segmentEnd', {segment: 1}), encodeDataHeader(8192, payload.length), payload, encodeFrame('segmentEnd', {segment: 2})])
  const s = sink()
  for (let i = 0; i < stream.length; i++) {
    const err = s.feed(stream.subarray(i, i + 1))
    if (err) {
      t.fail(`push threw at byte ${i}: ${String(err)}`)
      return
    }
    if (i === stream.length - 1 - encodeFrame('segmentEnd', {segment: 2}).length) {
      t.equal(s.frames.length, 2, 'the data frame is handed out as soon as its last payload byte arrives')
    }
  }
  t.same(s.errors, [])
  t.same(s.frames.map(f => f.kind), ['segmentEnd', 'data', 'segmentEnd'])
  const d = s.frames[1] as Frame & {kind: 'data'}
  t.equal(d.msg.offset, 8192)
  t.ok(d.payload?.equals(payload), 'payload reassembled exactly')
  t.equal(s.decoder.bufferedBytes, 0)
})

t.test('a data frame split at every possible point', async t => {
  const payload = randomBytes(300)
  const stream = Buffer.concat([encodeDataHeader(4096, payload.length), payload])
  for (let cut = 0; cut <= stream.length; cut++) {
    const s = sink()
    s.feed(stream.subarray(0, cut))
    s.feed(stream.subarray(cut))
    if (s.errors.length > 0 || s.frames.length !== 1 || !s.frames[0]?.payload?.equals(payload)) {
      t.fail(`split at ${cut}: ${s.frames.length} frames, errors ${s.errors.map(e => e.code).join(',')}`)
      return
    }
  }
  t.pass('every split point decodes the same frame')
})

t.test('many frames in one chunk', async t => {
  const parts: Buffer[] = []
  const payloads: Buffer[] = []
  for (let i = 0; i < 200; i++) {
    if (i % 3 === 0) {
      const p = randomBytes(1 + (i * 37) % 5000)
      payloads.push(p)
      parts.push(encodeDataHeader(i * 4096, p.length), p)
    } else {
      parts.push(encodeFrame('zero', {offset: i * 4096, length: 4096}))
    }
  }
  const s = sink()
  t.equal(s.feed(Buffer.concat(parts)), null)
  t.same(s.errors, [])
  t.equal(s.frames.length, 200)
  s.frames.forEach((f, i) => {
    const offset = f.kind === 'data' || f.kind === 'zero' ? f.msg.offset : null
    if (f.kind !== (i % 3 === 0 ? 'data' : 'zero') || offset !== i * 4096) t.fail(`frame ${i} is ${f.kind} at ${String(offset)}`)
  })
  const got = s.frames.filter(f => f.kind === 'data').map(f => f.payload as Buffer)
  t.ok(got.length === payloads.length && got.every((p, i) => p.equals(payloads[i] as Buffer)), 'every payload intact')
  t.equal(s.decoder.bufferedBytes, 0)
})

t.test('a payload stays intact when the sender reuses its buffer', async t => {
  // The decoder may hand out views of the chunks it was given; the channel
  // relies on the transport giving it fresh buffers, so this only pins down
  // that frames in one chunk do not overlap each other.
  const a = Buffer.alloc(4096, 1)
  const b = Buffer.alloc(4096, 2)
  const s = sink()
  s.feed(Buffer.concat([encodeDataHeader(0, 4096), a, encodeDataHeader(4096, 4096), b]))
  t.ok(s.frames[0]?.payload?.equals(a))
  t.ok(s.frames[1]?.payload?.equals(b))
})

t.test('a length prefix over MAX_FRAME is refused before anything is buffered', async t => {
  for (const n of [MAX_FRAME + 1, 2 ** 32 - 1]) {
    const s = sink()
    t.equal(s.feed(prefix(n)), null)
    t.equal(s.errors.length, 1, `length ${n}: the error fires on the 4 length bytes alone`)
    t.equal(s.errors[0]?.code, 'E_FRAME_TOO_LARGE')
    t.equal(s.errors[0]?.exit, 4)
    t.ok(s.decoder.failed)
    t.equal(s.decoder.bufferedBytes, 0, 'nothing kept')
    s.feed(Buffer.alloc(1 << 16))
    t.equal(s.decoder.bufferedBytes, 0, 'later bytes are not kept either')
  }
  const s = sink()
  s.feed(prefix(MAX_FRAME))
  t.same(s.errors, [], 'exactly MAX_FRAME is allowed')
})

t.test('a data header announcing more than MAX_PAYLOAD is refused before the payload', async t => {
  const s = sink()
  const header = encodeFrame('data', {offset: 0, length: MAX_PAYLOAD + 1})
  t.equal(s.feed(header), null)
  t.equal(s.errors.length, 1, 'refused on the header alone')
  t.equal(s.errors[0]?.code, 'E_FRAME_TOO_LARGE')
  t.same(s.frames, [])
  t.equal(s.decoder.bufferedBytes, 0)

  const ok = sink()
  ok.feed(encodeFrame('data', {offset: 0, length: MAX_PAYLOAD}))
  t.same(ok.errors, [], 'exactly MAX_PAYLOAD is allowed')
  t.same(ok.frames, [], 'and waits for its payload')

  t.throws(() => encodeDataHeader(0, MAX_PAYLOAD + 1), {code: 'E_FRAME_TOO_LARGE'}, 'the sender refuses too')
  t.throws(() => encodeFrame('manifest', {segment: 0, hashes: Buffer.alloc(MAX_FRAME)}), {code: 'E_FRAME_TOO_LARGE'}, 'and refuses an oversized message')
})

t.test('data pieces: one frame carries several pieces, each handed out at its offset', async t => {
  const a = randomBytes(4096)
  const b = randomBytes(100)
  const c = randomBytes(8192)
  const header = encodePiecesHeader([2 ** 40, 2 ** 40 + 65536, 2 ** 40 + 65636], [a.length, b.length, c.length])
  const s = sink()
  s.feed(Buffer.concat([header, a, b, c]))
  t.same(s.errors, [])
  t.equal(s.frames.length, 1)
  const f = s.frames[0] as Frame & {kind: 'data'}
  const got: Array<[number, Buffer]> = []
  forEachPiece(f.msg, f.payload as Buffer, (offset, bytes) => got.push([offset, Buffer.from(bytes)]))
  t.same(got.map(([o]) => o), [2 ** 40, 2 ** 40 + 65536, 2 ** 40 + 65636])
  t.ok(got[0]?.[1].equals(a) && got[1]?.[1].equals(b) && got[2]?.[1].equals(c), 'each piece holds its own bytes')

  const plain: number[] = []
  forEachPiece({offset: 7, length: 3}, Buffer.alloc(3), o => plain.push(o))
  t.same(plain, [7], 'a frame without pieces is one piece')
})

t.test('data pieces that do not add up are refused before their payload is buffered', async t => {
  const cases: Array<[string, Message<'data'>]> = [
    ['more offsets than lengths', {offset: 0, length: 8192, pieceOffsets: [0, 8192], pieceLengths: [8192]}],
    ['lengths that do not sum to the frame\'s', {offset: 0, length: 8192, pieceOffsets: [0, 8192], pieceLengths: [4096, 8192]}],
    ['an empty piece', {offset: 0, length: 4096, pieceOffsets: [0, 8192], pieceLengths: [4096, 0]}],
    ['overlapping pieces', {offset: 0, length: 8192, pieceOffsets: [0, 2048], pieceLengths: [4096, 4096]}],
    ['pieces out of order', {offset: 8192, length: 8192, pieceOffsets: [8192, 0], pieceLengths: [4096, 4096]}],
    ['a first piece elsewhere than the frame\'s offset', {offset: 4096, length: 8192, pieceOffsets: [0, 8192], pieceLengths: [4096, 4096]}],
  ]
  for (const [what, msg] of cases) {
    const s = sink()
    t.equal(s.feed(encodeFrame('data', msg)), null, what)
    t.equal(s.errors[0]?.code, 'E_FRAME_MALFORMED', what)
    t.equal(s.decoder.bufferedBytes, 0, `${what}: nothing buffered`)
    // The sender computes the frame's offset and length itself: it can only get the pieces wrong.
    if (msg.pieceOffsets?.length === msg.pieceLengths?.length && !/sum|first piece/.test(what)) {
      t.throws(() => encodePiecesHeader(msg.pieceOffsets as number[], msg.pieceLengths as number[]), {code: 'E_FRAME_MALFORMED'}, `${what}: the sender refuses too`)
    }
  }
  t.throws(() => encodePiecesHeader([0, MAX_PAYLOAD], [MAX_PAYLOAD, 1]), {code: 'E_FRAME_TOO_LARGE'})
})

t.test('an empty Frame (no body) is an unknown frame', async t => {
  // The length prefix 0 may end a chunk, or be followed by more bytes.
  for (const [name, chunks] of [
    ['alone', [prefix(0)]],
    ['followed by more', [Buffer.concat([prefix(0), encodeFrame('segmentEnd', {segment: 1})])]],
    ['after a frame', [Buffer.concat([encodeFrame('segmentEnd', {segment: 1}), prefix(0)])]],
    ['byte by byte', [...prefix(0)].map(b => Buffer.from([b]))],
  ] as Array<[string, Buffer[]]>) {
    const s = sink()
    for (const c of chunks) {
      const err = s.feed(c)
      t.equal(err, null, `${name}: push does not throw`)
    }
    t.equal(s.errors.length, 1, `${name}: one error`)
    t.equal(s.errors[0]?.code, 'E_FRAME_UNKNOWN', name)
  }
  const s = sink()
  s.feed(raw(Buffer.from([0x78, 0x01]))) // field 15, a varint: a kind this version does not know
  t.equal(s.errors[0]?.code, 'E_FRAME_UNKNOWN', 'an unknown field number')
})

t.test('malformed bodies give E_FRAME_MALFORMED', async t => {
  const cases: Array<[string, number[]]> = [
    ['truncated varint tag', [0xff, 0xff, 0xff]],
    ['invalid wire type 7', [0x0f, 0x00]],
    ['sub-message longer than the frame', [0x0a, 0x10, 0x08]],
    ['garbage inside a hello', [0x0a, 0x02, 0xff, 0xff]],
    ['a length-delimited field running past the end', [0x42, 0x05, 0x08, 0x01]],
    ['an unterminated group', [0x0b]],
  ]
  for (const [name, body] of cases) {
    const s = sink()
    t.equal(s.feed(raw(body)), null, `${name}: no throw`)
    t.equal(s.errors.length, 1, name)
    t.equal(s.errors[0]?.code, 'E_FRAME_MALFORMED', name)
    t.same(s.frames, [], `${name}: no frame`)
  }
})

t.test('random garbage never throws out of push()', async t => {
  const allowed = new Set(['E_FRAME_MALFORMED', 'E_FRAME_UNKNOWN', 'E_FRAME_TOO_LARGE'])
  let failed = 0
  for (let i = 0; i < 3000; i++) {
    // Half the time a well-formed length prefix around a random body, half raw noise.
    const body = randomBytes(1 + (i % 97))
    const stream = i % 2 === 0 ? raw(body) : randomBytes(1 + (i % 131))
    const s = sink()
    let at = 0
    while (at < stream.length) {
      const n = 1 + (i * 7 + at) % 13
      const err = s.feed(stream.subarray(at, at + n))
      if (err) {
        t.fail(`push threw on ${stream.toString('hex')}: ${String(err)}`)
        return
      }
      at += n
    }
    s.decoder.end()
    if (s.errors.length > 1) t.fail(`more than one error for ${stream.toString('hex')}`)
    const code = s.errors[0]?.code
    if (code !== undefined && !allowed.has(code) && code !== 'E_FRAME_TRUNCATED') t.fail(`unexpected code ${code}`)
    if (code !== undefined) failed++
  }
  t.ok(failed > 2000, `most garbage is refused (${failed} of 3000)`)
})

t.test('random garbage bodies inside a valid length prefix are refused with a frame code', async t => {
  // Bodies whose first byte names no field of Frame with the right wire type
  // can only be malformed or unknown, never a frame.
  let n = 0
  for (let i = 0; i < 2000; i++) {
    const body = randomBytes(2 + (i % 60))
    const field = body[0] as number
    if ((field >> 3) >= 1 && (field >> 3) <= 14 && (field & 7) === 2) continue
    n++
    const s = sink()
    t.equal(s.feed(raw(body)), null)
    const code = s.errors[0]?.code ?? 'none'
    if (!['E_FRAME_MALFORMED', 'E_FRAME_UNKNOWN'].includes(code) || s.frames.length > 0) {
      t.fail(`body ${body.toString('hex')} gave ${code} and ${s.frames.length} frames`)
      return
    }
  }
  t.ok(n > 1000, `${n} bodies checked`)
})

t.test('a stream that stops mid-frame is truncated', async t => {
  const payload = randomBytes(5000)
  const stream = Buffer.concat([encodeFrame('hello', samples.hello), encodeDataHeader(0, payload.length), payload])
  const helloLen = encodeFrame('hello', samples.hello).length
  // Inside the first length prefix, inside a body, right after a data header, inside a payload.
  for (const cut of [1, 3, 4, 10, helloLen + 2, helloLen + encodeDataHeader(0, 1).length, stream.length - 1]) {
    const s = sink()
    s.feed(stream.subarray(0, cut))
    t.same(s.errors, [], `cut at ${cut}: no error before the end`)
    s.decoder.end()
    t.equal(s.errors.length, 1, `cut at ${cut}`)
    t.equal(s.errors[0]?.code, 'E_FRAME_TRUNCATED', `cut at ${cut}`)
  }
  const whole = sink()
  whole.feed(stream)
  whole.decoder.end()
  t.same(whole.errors, [], 'ending on a frame boundary is clean')
  const none = sink()
  none.decoder.end()
  t.same(none.errors, [], 'ending before any byte is clean')
})

t.test('after the first error the decoder ignores everything', async t => {
  const s = sink()
  s.feed(Buffer.concat([encodeFrame('segmentEnd', {segment: 1}), raw([0x0f, 0x00]), encodeFrame('segmentEnd', {segment: 2})]))
  t.equal(s.frames.length, 1, 'the frame before the bad one is delivered, the one after is not')
  t.equal(s.errors.length, 1)
  t.equal(s.errors[0]?.code, 'E_FRAME_MALFORMED')
  for (const chunk of [encodeFrame('segmentEnd', {segment: 3}), prefix(MAX_FRAME + 1), raw([0x0f]), Buffer.alloc(100)]) {
    t.equal(s.feed(chunk), null)
  }
  s.decoder.end()
  t.equal(s.frames.length, 1, 'no frame after the error')
  t.equal(s.errors.length, 1, 'exactly one error in all')
  t.equal(s.decoder.bufferedBytes, 0)
})

t.test('64-bit offsets round trip as exact numbers', async t => {
  for (const off of [2 ** 32, 2 ** 32 + 1, 2 ** 40 + 4096, 2 ** 52 + 3, Number.MAX_SAFE_INTEGER]) {
    const s = sink()
    s.feed(Buffer.concat([
      encodeDataHeader(off, 1), Buffer.from([9]),
      encodeFrame('zero', {offset: off, length: off}),
      encodeFrame('start', {size: off, blockSize: 65536, start: 0, end: off, destZeroFrom: off, dryRun: false}),
    ]))
    t.same(s.errors, [])
    const [d, z, st] = s.frames
    const dOff = d?.kind === 'data' ? d.msg.offset : null
    t.equal(dOff, off, `data offset ${off}`)
    t.equal(typeof dOff, 'number')
    t.equal(d?.payload?.[0], 9)
    t.equal(z?.kind === 'zero' ? z.msg.length : null, off, `zero length ${off}`)
    t.equal(typeof (st?.kind === 'start' ? st.msg.end : null), 'number', 'start.end is a number, not a Long')
    t.equal(st?.kind === 'start' ? st.msg.end : null, off)
  }
})

t.test('file records decode only from files: the wire decoder refuses them', async t => {
  const header = encodeFrame('fileHeader', {magic: 'blockpair-patch', version: 1, size: big, baseSize: 5, blockSize: 65536, seed: randomBytes(8)})
  const f = decodeFileFrame(header.subarray(4))
  t.equal(f.kind, 'fileHeader')
  t.equal(f.kind === 'fileHeader' && f.msg.size, big)
  const s = sink()
  s.feed(header)
  t.equal(s.errors[0]?.code, 'E_FRAME_UNKNOWN')
  t.throws(() => decodeFileFrame(encodeFrame('hello', samples.hello).subarray(4)), {code: 'E_FRAME_UNKNOWN'})
  t.throws(() => decodeFileFrame(Buffer.from([0xff, 0xff, 0xff])), {code: 'E_FRAME_MALFORMED'})
})
