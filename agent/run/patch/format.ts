// Patch and digest files: the project's frames (proto/codec.ts) in a file.
//
//   record  = frame (4-byte big-endian length, encoded Frame, and for a Data
//             frame its raw payload) + 16-byte XXH3-128 of those bytes
//   file    = FileHeader record, then the other records (through gzip or
//             brotli when the header says so), then one FileEnd record that
//             counts them
//
// A patch holds, per segment with changes, a PatchBlocks record (the coarse
// blocks touched, their hashes before and after) and the segment's Data and
// Zero frames in offset order. A digest file holds a Manifest per segment
// (all-zero blocks as bits, as on the wire). Every record is checked as it is
// read, and the end record must come last with the right count, so a file
// cut short, cut at a record boundary or with a byte flipped is found by
// `scan` before anything is written anywhere. A failure is E_PATCH_DAMAGED.

import fs from 'node:fs'
import {pipeline} from 'node:stream/promises'
import {PassThrough, type Readable, type Writable} from 'node:stream'
import zlib from 'node:zlib'
import {BlockHasher, HASH_BYTES} from '../../engine/hash.js'
import {ioError, ProtocolError, UsageError} from '../../errors.js'
import {decodeFileFrame, encodeDataHeader, encodeFrame, MAX_FRAME, MAX_PAYLOAD, type Frame, type FrameKind, type Message} from '../../../proto/codec.js'

export const FORMAT_VERSION = 1
export type Magic = 'blockpair-patch' | 'blockpair-digest'
export type Compression = '' | 'gzip' | 'br'
export const COMPRESSIONS: readonly Compression[] = ['', 'gzip', 'br']
export type Header = Message<'fileHeader'>

/** What digest, diff and apply tell as they go (the CLI's progress bar is one). */
export interface PatchObserver {
  onPlan?(range: {start: number; end: number}): void
  /** `done` bytes of the range dealt with, `moved` of them block data read or written. */
  onProgress?(done: number, moved: number): void
}
export type End = Message<'fileEnd'>

// Checksums are not secret: they find damage, the seeded hashes inside find a wrong base.
const check = new BlockHasher(Buffer.alloc(8))

export function damaged(file: string, why: string): ProtocolError {
  return new ProtocolError('E_PATCH_DAMAGED', `${file} is damaged or not a blockpair file: ${why}; nothing was written`)
}

export function parseCompression(text: string): Compression {
  const c = text === 'none' ? '' : text === 'brotli' ? 'br' : text
  if (!(COMPRESSIONS as readonly string[]).includes(c)) throw new UsageError('E_COMPRESSION', `--compress must be none, gzip or brotli, not '${text}'`)
  return c as Compression
}

function compressor(c: Compression): Writable & Readable {
  if (c === 'gzip') return zlib.createGzip({level: 6})
  if (c === 'br') return zlib.createBrotliCompress({params: {[zlib.constants.BROTLI_PARAM_QUALITY]: 5}})
  return new PassThrough()
}

function decompressor(c: Compression): Writable & Readable {
  if (c === 'gzip') return zlib.createGunzip()
  if (c === 'br') return zlib.createBrotliDecompress()
  return new PassThrough()
}

function record(parts: Buffer[]): Buffer[] {
  const d = check.digest()
  for (const p of parts) d.update(p)
  return [...parts, Buffer.from(d.digest())]
}

/**
 * Writes a file of records to `file`.tmp, renamed into place by end(): a
 * failed diff or digest leaves no file that looks whole.
 */
export class RecordWriter {
  private readonly tmp: string
  private readonly out: fs.WriteStream
  private readonly body: Writable & Readable
  private readonly done: Promise<void>
  private count = 0

  constructor(private readonly file: string, header: Header) {
    this.tmp = `${file}.tmp`
    this.out = fs.createWriteStream(this.tmp, {mode: 0o644})
    this.out.write(Buffer.concat(record([encodeFrame('fileHeader', {...header, version: FORMAT_VERSION})])))
    this.body = compressor((header.compression ?? '') as Compression)
    this.done = pipeline(this.body, this.out)
    this.done.catch(() => {})
  }

  async add<K extends FrameKind>(kind: K, msg: Message<K>): Promise<void> {
    await this.put(record([encodeFrame(kind, msg)]))
  }

  async addData(offset: number, payload: Buffer): Promise<void> {
    await this.put(record([encodeDataHeader(offset, payload.length), payload]))
  }

  /** The end record, then flush, fsync and rename into place. */
  async end(end: End): Promise<void> {
    await this.put(record([encodeFrame('fileEnd', {...end, records: this.count})]))
    this.body.end()
    try {
      await this.done
      const fd = await fs.promises.open(this.tmp, 'r+')
      await fd.datasync().finally(() => fd.close())
      await fs.promises.rename(this.tmp, this.file)
    } catch (err) {
      throw ioError(err, `write ${this.file}`)
    }
  }

  /** Give up: remove the partial file. */
  async abort(): Promise<void> {
    this.body.destroy()
    await this.done.catch(() => {})
    await fs.promises.rm(this.tmp, {force: true})
  }

  private async put(parts: Buffer[]): Promise<void> {
    this.count++
    let ok = true
    for (const p of parts) ok = this.body.write(p)
    if (!ok) await new Promise<void>((resolve, reject) => {
      this.body.once('drain', resolve)
      this.done.catch(reject)
    })
  }
}

/** Pulls exact byte counts from a stream of chunks. */
class Bytes {
  private chunks: Buffer[] = []
  private have = 0
  private ended = false
  private readonly it: AsyncIterator<Buffer>

  constructor(src: AsyncIterable<Buffer>) {
    this.it = src[Symbol.asyncIterator]()
  }

  /** n bytes, or null at a clean end (nothing buffered); throws 'truncated' when the end cuts them. */
  async take(n: number): Promise<Buffer | null> {
    while (this.have < n && !this.ended) {
      const r = await this.it.next()
      if (r.done) this.ended = true
      else {
        this.chunks.push(r.value)
        this.have += r.value.length
      }
    }
    if (this.have === 0 && this.ended) return null
    if (this.have < n) throw new Error(`the file ends in the middle of a record (${this.have} of ${n} bytes)`)
    const all = this.chunks.length === 1 ? this.chunks[0] as Buffer : Buffer.concat(this.chunks)
    this.chunks = all.length > n ? [all.subarray(n)] : []
    this.have -= n
    return all.subarray(0, n)
  }

  /** Everything not taken yet, as it comes. */
  async *rest(): AsyncGenerator<Buffer> {
    yield* this.chunks.splice(0)
    this.have = 0
    for (let r = await this.it.next(); !r.done; r = await this.it.next()) yield r.value
    this.ended = true
  }
}

/** One record from `bytes`, its checksum checked; null at a clean end. */
async function readRecord(bytes: Bytes): Promise<Frame | null> {
  const len = await bytes.take(4)
  if (!len) return null
  const n = len.readUInt32BE(0)
  if (n > MAX_FRAME) throw new Error(`a record of ${n} bytes (limit ${MAX_FRAME})`)
  const body = Buffer.from(await bytes.take(n) ?? Buffer.alloc(0))
  const sum = check.digest()
  sum.update(len)
  sum.update(body)
  const f = decodeFileFrame(body)
  if (f.kind === 'data') {
    const size = f.msg.length ?? 0
    if (size > MAX_PAYLOAD) throw new Error(`a block of ${size} bytes (limit ${MAX_PAYLOAD})`)
    f.payload = Buffer.from(await bytes.take(size) ?? Buffer.alloc(0))
    sum.update(f.payload)
  }
  const want = await bytes.take(HASH_BYTES)
  if (!want || !Buffer.from(sum.digest()).equals(want)) throw new Error('a record whose checksum does not match')
  return f
}

export interface Scanned {
  header: Header
  end: End
}

/**
 * Every record of `file` in order (the header is not among them; the end
 * record is checked, not yielded). Damage anywhere throws E_PATCH_DAMAGED,
 * possibly after records have been yielded: run `scan` first.
 */
export async function* records(file: string, magic: Magic, onHeader?: (h: Header) => void, onEnd?: (e: End) => void): AsyncGenerator<Frame> {
  let stream: fs.ReadStream | null = null
  try {
    const raw = new Bytes(stream = fs.createReadStream(file, {highWaterMark: 1 << 20}))
    const first = await readRecord(raw)
    if (!first || first.kind !== 'fileHeader' || first.msg.magic !== magic) throw new Error(`it does not start with a ${magic} header`)
    if (first.msg.version !== FORMAT_VERSION) throw new Error(`format version ${first.msg.version}, this blockpair reads ${FORMAT_VERSION}`)
    onHeader?.(first.msg)
    const inflate = decompressor((first.msg.compression ?? '') as Compression)
    const body = new Bytes(inflate)
    const feeding = feed(raw, inflate)
    feeding.catch(() => {})
    let count = 0
    for (let f = await readRecord(body); f; f = await readRecord(body)) {
      if (f.kind === 'fileHeader') throw new Error('a second header')
      if (f.kind === 'fileEnd') {
        if (f.msg.records !== count) throw new Error(`it ends after ${count} records, but its end record counts ${f.msg.records}`)
        if (await body.take(1)) throw new Error('records after the end record')
        await feeding
        onEnd?.(f.msg)
        return
      }
      count++
      yield f
    }
    throw new Error('it has no end record (cut short)')
  } catch (err) {
    if ((err as {code?: string}).code === 'ENOENT' || (err as {code?: string}).code === 'EACCES') throw ioError(err, file)
    throw damaged(file, (err as Error).message)
  } finally {
    stream?.destroy()
  }
}

/** What is left in `raw` after the header, into the decompressor. */
async function feed(raw: Bytes, into: Writable): Promise<void> {
  for await (const chunk of raw.rest()) {
    if (!into.write(chunk)) await new Promise(resolve => into.once('drain', resolve))
  }
  into.end()
}

/** Read all of `file` once and check it; its header and end record. `each` sees every record (a checked one, not yet a whole file). */
export async function scan(file: string, magic: Magic, each?: (f: Frame) => void): Promise<Scanned> {
  let header: Header | null = null
  let end: End | null = null
  for await (const f of records(file, magic, h => { header = h }, e => { end = e })) each?.(f)
  return {header: header as unknown as Header, end: end as unknown as End}
}
