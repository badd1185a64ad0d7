// The destination's hash cache (issue 16, part 2): the coarse block hashes of
// what a file destination holds, kept after each successful sync of a pair in
// `.blockpair-track/<pair>.cache` beside the file, so that the next sync
// answers the source's compare from it instead of reading the destination.
//
// It sits beside the pair's lineage folder (`.blockpair-track/<pair>/`), not
// in it: the cache is a file of its own that vouches for itself, whatever the
// lineage code does with its folder (a sync without --track-changes drops it,
// and when both ends of a pair share a directory the source end drops it too,
// at a moment the destination end does not know).
//
// Trust. The cache is used only when all of these hold, else it is ignored
// (never trusted) and the destination is read as before; the reason is
// reported as changeTracking.reason:
//   - the file is whole: a fixed header, exactly `blocks` hashes, nothing more;
//   - its checksum (SHA-256 over the hashes, then the header) matches, so a
//     flipped byte or a truncation is found before any hash is used;
//   - it names this pair, this block size, and the file's change stamp now
//     (size, device, inode, mtime and ctime in ns). Any write to the file
//     moves its ctime (and a sync sets the mtime, which moves the ctime too),
//     so a cache is only ever trusted for the bytes it was written for.
// It is written to a temporary file, fsync'd, then renamed over the old one
// (and the folder fsync'd): a kill leaves the old cache or the new one, and
// the old one no longer matches a file that the killed sync wrote to.
//
// The seed. The hashes are seeded XXH3-128, like the engine's; a hash that a
// guest can predict is a hash it can make collide, and a collision would make
// blockpair skip a block. The cached hashes must therefore be under a seed no
// guest knows, and the source must hash under the same seed to compare with
// them. So the destination end owns the seed: it draws 8 random bytes (the
// XXH3 seed is 64 bits, the same strength as the per-session seed) whenever
// it has no usable cache, keeps them only in this 0600 file inside a 0700
// folder on its own host, and sends them to the source inside the TLS session
// (Opened or Start, agent/session/dest-cache.ts) for that session only; both
// engines then hash with it instead of the session's seed. Neither the seed
// nor any hash is ever written to the source's disk or leaves the TLS
// session. A fresh seed is drawn every time the cache is rebuilt from a full
// read, so a seed lives only as long as its destination stays untouched.
//
// After a shortcut. A sync that read only tracked ranges (--track-changes,
// --changed-ranges) sees no whole coarse block, so it cannot hash one; yet it
// wrote only the blocks it names. Its cache is the old one revised: the
// blocks it wrote get the all-zero entry, "not known", which the next sync
// reads and hashes at the destination (and only those), every other entry
// stays. Rehashing the written blocks at once would read ~16x the changed
// bytes (1% of 4 KiB blocks rewritten at random touch ~15% of the 64 KiB
// blocks) on the path the shortcut is there to keep short. A real hash that
// is all zero is only read again.
//
// Cost. On disk: 16 bytes per coarse block plus a 128-byte header, i.e.
// 1/4096 of the file at the default 64 KiB blocks (256 MiB for 1 TB). In
// memory: nothing proportional to the file. The writer streams each
// segment's hashes out as it ends (through a 1 MiB buffer); the reader checks
// the checksum by streaming the file once in 1 MiB chunks, then reads each
// segment's hashes (1 KiB for a 4 MiB segment at 64 KiB) when it is asked for.

import {createHash, randomBytes} from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import {makeStateRoot, stateRoot, syncDir} from './state.js'
import {PolicyError} from '../errors.js'

export const SEED_BYTES = 8
const HASH_BYTES = 16
const MAGIC = Buffer.from('BPHCACHE')
const VERSION = 1
export const HEADER_BYTES = 128
const SUM_AT = HEADER_BYTES - 32
const CHUNK = 1 << 20

/** Why a cache is not used: a stable word for tests and scripts, and the sentence the summary shows. */
export type CacheWhy = 'missing' | 'damaged' | 'checksum' | 'pair' | 'block-size' | 'changed' | 'device'

export interface CacheCheck {
  /** The seed this end offers: the cache's when usable, else a fresh one (a new cache will be under it). */
  seed: Buffer
  /** Open on a valid cache; null when none is usable. */
  reader: CacheReader | null
  why: CacheWhy | null
  reason: string | null
}

/** What identifies the bytes a cache describes. */
export interface CacheKey {
  pair: string
  blockSize: number
  st: fs.BigIntStats
}

const REASONS: Record<CacheWhy, string> = {
  missing: 'no hash cache of this pair at the destination: it is read in full',
  damaged: 'the destination\'s hash cache is truncated or damaged: ignored, the destination is read in full',
  checksum: 'the destination\'s hash cache fails its checksum: ignored, the destination is read in full',
  pair: 'the destination\'s hash cache belongs to another pair: ignored, the destination is read in full',
  'block-size': 'the destination\'s hash cache was kept at another block size: the destination is read in full',
  changed: 'the destination changed since its hash cache was written (its size, inode, mtime or ctime): it is read in full',
  device: 'the destination is a block device, which has no change stamp: no hash cache',
}

/** Throws E_TRACK_STATE_LINK when `.blockpair-track` is a link: a cache is never read or written through one. */
export function cachePath(file: string, pair: string): string {
  return path.join(stateRoot(file), `${pair}.cache`)
}

/** The coarse blocks of a file of `size` bytes. */
export function blocksOf(size: number, blockSize: number): number {
  return Math.ceil(size / blockSize)
}

/** Look for a usable cache of `file` (st: its stat now). Never throws: anything wrong is a reason. */
export function checkCache(file: string, key: CacheKey): CacheCheck {
  const fresh = (why: CacheWhy): CacheCheck => ({seed: randomBytes(SEED_BYTES), reader: null, why, reason: REASONS[why]})
  let fd: number
  try {
    fd = fs.openSync(cachePath(file, key.pair), fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW)
  } catch {
    return fresh('missing')
  }
  let why: CacheWhy | null
  let header: Header | null = null
  try {
    header = readHeader(fd)
    why = header ? verify(fd, header, key) : 'damaged'
  } catch {
    why = 'damaged'
  }
  if (why || !header) {
    fs.closeSync(fd)
    return fresh(why ?? 'damaged')
  }
  return {seed: header.seed, reader: new CacheReader(fd, header.blockSize, header.blocks, Number(header.size)), why: null, reason: null}
}

/** The sentence for a reason word. */
export function cacheReason(why: CacheWhy): string {
  return REASONS[why]
}

interface Header {
  blockSize: number
  size: bigint
  blocks: number
  pair: string
  seed: Buffer
  dev: bigint
  ino: bigint
  mtimeNs: bigint
  ctimeNs: bigint
  sum: Buffer
  raw: Buffer
}

function readHeader(fd: number): Header | null {
  const raw = Buffer.alloc(HEADER_BYTES)
  if (fs.readSync(fd, raw, 0, HEADER_BYTES, 0) !== HEADER_BYTES) return null
  if (!raw.subarray(0, 8).equals(MAGIC) || raw.readUInt32LE(8) !== VERSION) return null
  const blocks = raw.readBigUInt64LE(24)
  if (blocks > BigInt(Number.MAX_SAFE_INTEGER)) return null
  return {
    blockSize: raw.readUInt32LE(12), size: raw.readBigUInt64LE(16), blocks: Number(blocks),
    pair: raw.subarray(32, 48).toString('hex'), seed: Buffer.from(raw.subarray(48, 48 + SEED_BYTES)),
    dev: raw.readBigUInt64LE(56), ino: raw.readBigUInt64LE(64), mtimeNs: raw.readBigInt64LE(72), ctimeNs: raw.readBigInt64LE(80),
    sum: Buffer.from(raw.subarray(SUM_AT)), raw,
  }
}

function encodeHeader(key: CacheKey, seed: Buffer, blocks: number): Buffer {
  const raw = Buffer.alloc(HEADER_BYTES)
  MAGIC.copy(raw, 0)
  raw.writeUInt32LE(VERSION, 8)
  raw.writeUInt32LE(key.blockSize, 12)
  raw.writeBigUInt64LE(key.st.size, 16)
  raw.writeBigUInt64LE(BigInt(blocks), 24)
  Buffer.from(key.pair, 'hex').copy(raw, 32)
  seed.copy(raw, 48)
  raw.writeBigUInt64LE(key.st.dev, 56)
  raw.writeBigUInt64LE(key.st.ino, 64)
  raw.writeBigInt64LE(key.st.mtimeNs, 72)
  raw.writeBigInt64LE(key.st.ctimeNs, 80)
  return raw
}

/** The whole file against its checksum first (damage is damage whatever it names), then against the key. */
function verify(fd: number, h: Header, key: CacheKey): CacheWhy | null {
  const length = fs.fstatSync(fd).size
  if (h.blockSize === 0 || length !== HEADER_BYTES + h.blocks * HASH_BYTES) return 'damaged'
  const sum = createHash('sha256')
  const buf = Buffer.allocUnsafe(CHUNK)
  for (let at = HEADER_BYTES; at < length;) {
    const n = fs.readSync(fd, buf, 0, Math.min(CHUNK, length - at), at)
    if (n <= 0) return 'damaged'
    sum.update(buf.subarray(0, n))
    at += n
  }
  sum.update(h.raw.subarray(0, SUM_AT))
  if (!sum.digest().equals(h.sum)) return 'checksum'
  if (h.pair !== key.pair) return 'pair'
  if (h.blockSize !== key.blockSize) return 'block-size'
  const st = key.st
  if (h.size !== st.size || h.dev !== st.dev || h.ino !== st.ino || h.mtimeNs !== st.mtimeNs || h.ctimeNs !== st.ctimeNs) return 'changed'
  if (h.blocks !== blocksOf(Number(st.size), key.blockSize)) return 'damaged'
  return null
}

/** A validated cache, open: the hashes of any block-aligned range, read when asked for. */
export class CacheReader {
  /** `size`: the file's size when the cache was written, which it describes. */
  constructor(private readonly fd: number, readonly blockSize: number, readonly blocks: number, readonly size: number) {}

  /** The coarse hashes of [offset, offset+length): offset on a block boundary, within the file. */
  hashes(offset: number, length: number): Buffer {
    const first = offset / this.blockSize
    const n = blocksOf(length, this.blockSize)
    if (!Number.isInteger(first) || first + n > this.blocks) throw new RangeError(`the range ${offset}+${length} is not in the cache`)
    const out = Buffer.allocUnsafe(n * HASH_BYTES)
    let done = 0
    while (done < out.length) {
      const got = fs.readSync(this.fd, out, done, out.length - done, HEADER_BYTES + first * HASH_BYTES + done)
      if (got <= 0) throw new RangeError('the hash cache ended early')
      done += got
    }
    return out
  }

  close(): void {
    fs.closeSync(this.fd)
  }
}

/**
 * A new cache, written while the sync runs: each segment's final hashes in
 * file order (add), then the header once the file's stamp after the sync is
 * known (commit). The temporary file sits beside the cache it replaces, which
 * it becomes by one rename.
 */
export class CacheWriter {
  private readonly buf = Buffer.allocUnsafe(CHUNK)
  private used = 0
  private at = HEADER_BYTES
  private blocks = 0
  private readonly sum = createHash('sha256')
  private closed = false

  private constructor(private readonly file: string, private readonly pair: string, private readonly seed: Buffer,
    private readonly tmp: string, private readonly fd: number) {}

  static begin(file: string, pair: string, seed: Buffer): CacheWriter {
    const folder = makeStateRoot(file)
    sweepTemporary(folder, pair)
    const tmp = path.join(folder, `${pair}.cache.${randomBytes(4).toString('hex')}.tmp`)
    return new CacheWriter(file, pair, Buffer.from(seed), tmp, fs.openSync(tmp, 'wx', 0o600))
  }

  /** The next hashes in file order. */
  add(hashes: Buffer): void {
    this.sum.update(hashes)
    this.blocks += hashes.length / HASH_BYTES
    for (let from = 0; from < hashes.length;) {
      const n = hashes.copy(this.buf, this.used, from)
      this.used += n
      from += n
      if (this.used === this.buf.length) this.flush()
    }
  }

  /** Header, fsync, rename over the pair's cache: `st` is the file as the sync left it. */
  commit(blockSize: number, st: fs.BigIntStats): void {
    try {
      this.flush()
      if (this.blocks !== blocksOf(Number(st.size), blockSize)) throw new RangeError(`the cache holds ${this.blocks} hashes for a file of ${st.size} bytes`)
      const header = encodeHeader({pair: this.pair, blockSize, st}, this.seed, this.blocks)
      this.sum.update(header.subarray(0, SUM_AT))
      this.sum.digest().copy(header, SUM_AT)
      writeAll(this.fd, header, 0)
      fs.fsyncSync(this.fd)
    } catch (err) {
      this.abort()
      throw err
    }
    this.close()
    const target = cachePath(this.file, this.pair)
    fs.renameSync(this.tmp, target)
    syncDir(path.dirname(target))
  }

  /** The sync failed or wrote no whole cache: nothing of this one stays. */
  abort(): void {
    this.close()
    fs.rmSync(this.tmp, {force: true})
    // The state folder too, when this made it for nothing (rmdir fails on one in use).
    try {
      fs.rmdirSync(path.dirname(this.tmp))
    } catch {}
  }

  private flush(): void {
    if (this.used === 0) return
    writeAll(this.fd, this.buf.subarray(0, this.used), this.at)
    this.at += this.used
    this.used = 0
  }

  private close(): void {
    if (this.closed) return
    this.closed = true
    fs.closeSync(this.fd)
  }
}

/** The entry of a block the cache does not know (see "After a shortcut"). */
const UNKNOWN = Buffer.alloc(HASH_BYTES)

/**
 * A valid cache's hashes, in order, into `writer`, except the blocks
 * `written` names, which become unknown: the cache of the file after a sync
 * that wrote only those blocks.
 */
export function reviseCache(reader: CacheReader, writer: CacheWriter, written: (block: number) => boolean): void {
  const per = CHUNK / HASH_BYTES
  for (let first = 0; first < reader.blocks; first += per) {
    const n = Math.min(per, reader.blocks - first)
    const hashes = reader.hashes(first * reader.blockSize, n * reader.blockSize)
    for (let i = 0; i < n; i++) if (written(first + i)) UNKNOWN.copy(hashes, i * HASH_BYTES)
    writer.add(hashes)
  }
}

/** Drop the pair's cache: this sync changed the destination without writing a whole new one. */
export function dropCache(file: string, pair: string): void {
  try {
    fs.rmSync(cachePath(file, pair), {force: true})
  } catch (err) {
    // A linked state folder holds no cache of ours: nothing is removed through it.
    if (!(err instanceof PolicyError)) throw err
  }
}

function writeAll(fd: number, buf: Buffer, position: number): void {
  for (let done = 0; done < buf.length;) done += fs.writeSync(fd, buf, done, buf.length - done, position + done)
}

/** Temporary caches of this pair left by a killed sync (one writer per target: none is in use). */
function sweepTemporary(folder: string, pair: string): void {
  for (const name of fs.readdirSync(folder)) {
    if (name.startsWith(`${pair}.cache.`) && name.endsWith('.tmp')) fs.rmSync(path.join(folder, name), {force: true})
  }
}
