// Small helpers for the benchmark: units, formatting, statistics, and
// deterministic pseudo-random data (a fixed seed gives the same files every run).

import {createCipheriv, createHash} from 'node:crypto'

export const KiB = 1024
export const MiB = 1024 * KiB
export const GiB = 1024 * MiB
/** The unit of change: guests write 4 KiB at a time. */
export const BLOCK = 4 * KiB

export interface Extent {
  offset: number
  length: number
}

export function median(xs: readonly number[]): number | undefined {
  if (xs.length === 0) return undefined
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

export function fmtBytes(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '–'
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = n
  let u = 0
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024
    u++
  }
  if (u === 0) return `${v} B`
  const digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2
  return `${v.toFixed(digits)} ${units[u]}`
}

export function fmtSec(ms: number | undefined): string {
  if (ms === undefined) return '–'
  const s = ms / 1000
  return `${s.toFixed(s >= 100 ? 0 : s >= 10 ? 1 : 2)} s`
}

export function fmtRatio(r: number | undefined): string {
  if (r === undefined || !Number.isFinite(r)) return '–'
  return `${r.toFixed(r >= 100 ? 0 : r >= 10 ? 1 : 2)}×`
}

export function fmtPct(fraction: number): string {
  return `${+(fraction * 100).toPrecision(3)}%`
}

/** sfc32, seeded from a label: the same label gives the same sequence. */
export class Rng {
  private a: number
  private b: number
  private c: number
  private d: number

  constructor(label: string) {
    const h = createHash('sha256').update(`blockpair-bench:${label}`).digest()
    this.a = h.readUInt32LE(0)
    this.b = h.readUInt32LE(4)
    this.c = h.readUInt32LE(8)
    this.d = h.readUInt32LE(12)
    for (let i = 0; i < 16; i++) this.next()
  }

  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) | 0
    return t >>> 0
  }

  /** An integer in [0, n), n < 2^32. */
  below(n: number): number {
    return Math.floor((this.next() / 0x1_0000_0000) * n)
  }
}

/** k distinct integers in [0, n), sorted. */
export function sampleDistinct(rng: Rng, k: number, n: number): number[] {
  if (k > n) throw new Error(`cannot pick ${k} of ${n}`)
  const picked = new Set<number>()
  if (k > n / 2) {
    // Pick the complement instead: rejection sampling stays cheap.
    const skip = new Set(sampleDistinct(rng, n - k, n))
    for (let i = 0; i < n; i++) if (!skip.has(i)) picked.add(i)
  } else {
    while (picked.size < k) picked.add(rng.below(n))
  }
  return [...picked].sort((a, b) => a - b)
}

/** A deterministic stream of random-looking bytes (AES-256-CTR of zeros, keyed by the label). */
export function randomStream(label: string): (n: number) => Buffer {
  const key = createHash('sha256').update(`key:${label}`).digest()
  const iv = createHash('sha256').update(`iv:${label}`).digest().subarray(0, 16)
  const cipher = createCipheriv('aes-256-ctr', key, iv)
  let zeros = Buffer.alloc(0)
  return n => {
    if (zeros.length < n) zeros = Buffer.alloc(n)
    return cipher.update(zeros.subarray(0, n))
  }
}

export function shQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`
}
