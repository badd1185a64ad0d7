// What a patch says about the blocks it touches, shared by the local apply
// (apply.ts) and the remote one (remote-apply.ts): the PatchBlocks records
// gathered by the first, checking pass over the patch, and how one block of
// the target compares with them.

import {HASH_BYTES, hashEquals} from '../../engine/hash.js'
import {UNKNOWN_HASH} from '../../engine/diff-dest.js'
import {IoError, PolicyError} from '../../errors.js'
import type {Frame} from '../../../proto/codec.js'
import {scan, type End, type Header} from './format.js'

/** The coarse blocks one segment of the patch touches (its PatchBlocks record), 16 bytes a hash. */
export interface Touched {
  k: number
  blocks: number[]
  base: Buffer
  result: Buffer
}

/**
 * A patch whose records hold at most this many bytes is kept in memory by
 * the checking pass, and written from there: the bytes written are then the
 * very bytes checked, and the patch is not read and checked a second time.
 */
export const KEEP_BYTES = 64 << 20

export interface ScannedPatch {
  header: Header
  end: End
  touched: Touched[]
  /** Every record after the header, in order, when they fit in KEEP_BYTES; null: read the file again. */
  kept: Frame[] | null
}

/** Pass 1: read all of the patch and check it; its header, end record and touched blocks. */
export async function scanPatch(patch: string): Promise<ScannedPatch> {
  const touched: Touched[] = []
  let kept: Frame[] | null = []
  let keptBytes = 0
  const {header, end} = await scan(patch, 'blockpair-patch', f => {
    if (f.kind === 'patchBlocks') touched.push({k: f.msg.segment ?? 0, blocks: f.msg.blocks ?? [], base: Buffer.from(f.msg.base ?? []), result: Buffer.from(f.msg.result ?? [])})
    keptBytes += 64 + (f.payload?.length ?? 0)
    kept = kept && keptBytes <= KEEP_BYTES ? (kept.push(f), kept) : null
  })
  return {header, end, touched, kept}
}

/** Is the target's block j of `x` (its hash `mine` at `at`) the patch's base, its result, or both (a block the patch leaves as it is)? */
export function compareBlock(x: Touched, j: number, mine: Buffer, at = 0): {isBase: boolean; isResult: boolean} {
  const baseHash = x.base.subarray(j * HASH_BYTES, (j + 1) * HASH_BYTES)
  return {
    isBase: baseHash.equals(UNKNOWN_HASH) || hashEquals(mine, at, baseHash, 0),
    isResult: hashEquals(mine, at, x.result, j * HASH_BYTES),
  }
}

/**
 * Tests only: BLOCKPAIR_FAULT=apply-kill:OFFSET kills this process (SIGKILL,
 * no cleanup) when the write pass reaches the segment at OFFSET, so the
 * resume tests cut a real apply at a chosen point without waiting on time.
 */
export function fault(offset: number): void {
  const m = /^apply-kill:([0-9]+)$/.exec(process.env.BLOCKPAIR_FAULT ?? '')
  if (m && Number(m[1]) === offset) process.kill(process.pid, 'SIGKILL')
}

/** The refusal of a target that is not the patch's base, naming both digests; `where`: the first block found to differ, if any. */
export function notTheBase(target: string, end: End, targetDigest: Buffer, where: {offset: number; why: string} | null): PolicyError {
  const want = Buffer.from(end.baseDigest ?? []).toString('hex') || '(unknown: the patch was made against a digest of another size)'
  const block = where ? `: its block at offset ${where.offset} ${where.why}` : ''
  return new PolicyError('E_PATCH_BASE', `${target} is not the copy this patch was made against${block}; the patch's base digest is ${want}, the target's is ${targetDigest.toString('hex')}`)
}

/** A target of a size the patch neither applies to nor makes. */
export function otherSize(target: string, size: number, header: Header): PolicyError {
  return new PolicyError('E_PATCH_SIZE', `${target} holds ${size} bytes, but the patch applies to a copy of ${header.baseSize ?? 0} bytes (and makes one of ${header.size ?? 0}); it was made for another copy`)
}

/** A remote target that is not there: the local apply's E_NOT_FOUND (it never creates one either). */
export function missingTarget(target: string): IoError {
  return new IoError('E_NOT_FOUND', `${target}: no such file or directory; a patch applies to the copy it was made against`)
}

/** A target that holds part of the result but no checkpoint says so. */
export function appliedInPart(target: string): PolicyError {
  return new PolicyError('E_PATCH_APPLIED_PART', `${target} holds part of this patch's result: an apply of it was cut short; continue it with 'blockpair resume'`)
}
