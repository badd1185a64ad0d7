// The destination's hash cache in a session (agent/track/cache.ts holds the
// how and the why of its seed). Which end does what:
//
//   destination end: looks for a usable cache once its file is open and
//     offers a seed: the cache's, or a fresh one when there is none (so this
//     sync can write one). A responder offers it in Opened{cache_seed,
//     cache_reason}; an initiator keeps it.
//   initiator: puts the offered seed in Start{cache_seed}, unless it runs one
//     stream of several (no stream sees the whole file); both engines then
//     hash with it instead of the session's seed. A responder destination
//     refuses a Start whose seed is not the one it offered.
//   both: decide the same way from the offer and the plan (cacheUse) whether
//     the destination answers from the cache.
//   destination end, after a sync that succeeded: writes the new cache when
//     the sync covered the whole file; after one that read only tracked
//     ranges, revises the old one (the blocks it wrote become "not known",
//     agent/track/cache.ts); otherwise (a resume, a size change under a
//     shortcut) drops the old one, which no longer describes the file.
//
// With --track-changes or --changed-ranges the shortcut that was taken wins:
// tracked ranges hash as zeros outside them at both ends, which is not what a
// cache holds, so such a sync does not answer from the cache; it records the
// blocks it writes (EngineHooks.onWritten) for the revision. A tracked sync
// that fell back to the full compare uses the cache as any other.

import fs from 'node:fs'
import type {Disk} from '../disk/disk.js'
import type {EngineHooks, EngineResult, Plan} from '../engine/engine.js'
import {ProtocolError} from '../errors.js'
import {CacheWriter, checkCache, dropCache, reviseCache, SEED_BYTES, type CacheCheck, type CacheReader} from '../track/cache.js'
import type {ChangeTracking} from './tracking.js'

/** Whether the destination answers from its cache in this plan, and why not. */
export interface CacheUse {
  used: boolean
  reason: string | null
}

/** What a destination offers: the seed (null: it keeps no cache) and why its cache is not usable (null: it is). */
export interface CacheOffer {
  seed: Buffer | null
  reason: string | null
}

export const NO_OFFER: CacheOffer = Object.freeze({seed: null, reason: null})

/** Does the plan let the destination answer from a usable cache? The same answer at both ends. */
export function cacheUse(offer: CacheOffer, plan: Plan): CacheUse {
  if (plan.ranges) return {used: false, reason: 'change tracking read only the changed ranges: the hash cache is not used; the blocks this sync writes are marked in it for the next sync to read'}
  if (plan.start !== 0 || plan.end !== plan.size) return {used: false, reason: 'a resumed sync reads the rest of the destination: the hash cache is rebuilt by the next full compare'}
  if (offer.reason) return {used: false, reason: offer.reason}
  return {used: true, reason: null}
}

/** Does this sync write a new cache when it succeeds? (It must have seen every block of the destination.) */
function writesCache(plan: Plan): boolean {
  return !plan.dryRun && !plan.ranges && plan.start === 0 && plan.end === plan.size
}

/**
 * Does this sync revise the cache it found? It read only tracked ranges of a
 * file whose size and block size the cache still describes, from the start:
 * it wrote nothing but the blocks it records.
 */
function revisesCache(plan: Plan, check: CacheCheck): boolean {
  const r = check.reader
  return !plan.dryRun && !!plan.ranges && !!r && plan.start === 0 && plan.end === plan.size && r.size === plan.size && r.blockSize === plan.blockSize
}

/** Coarse blocks as one bit each: which ones a sync wrote. */
class BlockBits {
  private readonly bits: Uint8Array

  constructor(blocks: number, private readonly blockSize: number) {
    this.bits = new Uint8Array(Math.ceil(blocks / 8))
  }

  mark(offset: number, length: number): void {
    for (let b = Math.floor(offset / this.blockSize); b * this.blockSize < offset + length; b++) this.bits[b >> 3] = (this.bits[b >> 3] as number) | (1 << (b & 7))
  }

  has(b: number): boolean {
    return ((this.bits[b >> 3] as number) & (1 << (b & 7))) !== 0
  }
}

/** The changeTracking of a session whose destination offered a seed. */
export function cacheReport(use: CacheUse, plan: Plan, bytesReadDest: number): ChangeTracking {
  return {method: 'cache', used: use.used, reason: use.reason, bytesSkipped: use.used ? Math.max(0, plan.end - plan.start - bytesReadDest) : 0}
}

/** What a responder destination offered in Opened, checked. */
export function offerFrom(seed: Uint8Array | null | undefined, reason: string | null | undefined): CacheOffer {
  if (!seed || seed.length === 0) return NO_OFFER
  if (seed.length !== SEED_BYTES) throw new ProtocolError('E_BAD_FRAME', `the destination's cache seed has ${seed.length} bytes, not ${SEED_BYTES}`)
  return {seed: Buffer.from(seed), reason: reason || null}
}

/** The seed a Start carries, checked: empty, or 8 bytes. */
export function startSeed(seed: Uint8Array | null | undefined): Buffer | null {
  if (!seed || seed.length === 0) return null
  if (seed.length !== SEED_BYTES) throw new ProtocolError('E_BAD_PLAN', `the plan's cache seed has ${seed.length} bytes, not ${SEED_BYTES}`)
  return Buffer.from(seed)
}

/** The destination end's cache for one session. */
export class EndCache {
  private writer: CacheWriter | null = null
  /** The blocks a sync of tracked ranges wrote: the old cache is revised with them. */
  private written: BlockBits | null = null

  private constructor(private readonly file: string, private readonly pair: string, private readonly check: CacheCheck | null) {}

  /** A file destination that will be written looks for its cache; anything else keeps none. */
  static open(file: string, pair: string, blockSize: number, disk: Disk | null, keeps: boolean): EndCache {
    if (!keeps || !disk || disk.isDevice) return new EndCache(file, pair, null)
    return new EndCache(file, pair, checkCache(file, {pair, blockSize, st: fs.fstatSync(disk.fd, {bigint: true})}))
  }

  get offer(): CacheOffer {
    return this.check ? {seed: this.check.seed, reason: this.check.reason} : NO_OFFER
  }

  /** A responder's check of the seed in Start: none (the session's seed), or the one it offered. */
  accept(seed: Buffer | null): boolean {
    if (!seed) return false
    if (!this.check || !seed.equals(this.check.seed)) throw new ProtocolError('E_BAD_PLAN', 'the plan names a cache seed this destination did not offer')
    return true
  }

  /** The engine hooks that read the cache and write the next one; `agreed`: both ends hash with the offered seed. */
  hooks(plan: Plan, agreed: boolean): EngineHooks {
    if (this.check && revisesCache(plan, this.check)) {
      const written = new BlockBits((this.check.reader as CacheReader).blocks, plan.blockSize)
      this.written = written
      return {onWritten: (offset, length) => written.mark(offset, length)}
    }
    if (!this.check || !agreed) return {}
    const hooks: EngineHooks = {}
    const reader = this.check.reader
    if (reader && cacheUse(this.offer, plan).used) hooks.cache = {size: reader.size, hashes: (offset, length) => reader.hashes(offset, length)}
    if (writesCache(plan)) {
      try {
        const writer = CacheWriter.begin(this.file, this.pair, this.check.seed)
        this.writer = writer
        hooks.onFinalHashes = (_k, hashes) => writer.add(hashes)
      } catch (err) {
        // No cache is no failure: the sync runs, and the next one reads in full.
        process.emitWarning(`blockpair: no hash cache for ${this.file}: ${(err as Error).message}`)
      }
    }
    return hooks
  }

  /** After the session: the new cache when the sync succeeded and saw every block; never a stale one. */
  settle(disk: Disk | null, result: EngineResult | null, plan: Plan | null): void {
    if (!this.check || !plan || plan.dryRun) {
      this.check?.reader?.close()
      return this.writer?.abort()
    }
    try {
      if (result && this.written && disk) this.revise(this.check, this.written, disk, plan.blockSize)
      else if (result && this.writer && disk) this.writer.commit(plan.blockSize, fs.fstatSync(disk.fd, {bigint: true}))
      else if (result) dropCache(this.file, this.pair)
      else this.writer?.abort()
    } catch (err) {
      // The next sync finds no cache (or one that no longer matches) and reads in full.
      this.writer?.abort()
      dropCache(this.file, this.pair)
      process.emitWarning(`blockpair: the hash cache of ${this.file} was not written: ${(err as Error).message}`)
    } finally {
      this.check.reader?.close()
    }
  }

  /** The cache found, with the blocks this sync wrote marked unknown, for the file as the sync left it. */
  private revise(check: CacheCheck, written: BlockBits, disk: Disk, blockSize: number): void {
    this.writer = CacheWriter.begin(this.file, this.pair, check.seed)
    reviseCache(check.reader as CacheReader, this.writer, b => written.has(b))
    this.writer.commit(blockSize, fs.fstatSync(disk.fd, {bigint: true}))
  }
}
