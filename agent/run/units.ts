// Sizes and rates as people write them: 64K, 1M, 100M, 1.5G (powers of 1024).

import {UsageError} from '../errors.js'

const UNITS: Record<string, number> = {'': 1, K: 1 << 10, M: 1 << 20, G: 1 << 30, T: 2 ** 40}

/** A size as typed: a number, then an optional K, M, G or T, then an optional B or iB. */
const SIZE_FORM = /^(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?$/i

export function parseSize(text: string, what: string): number {
  const m = SIZE_FORM.exec(text.trim())
  if (!m) throw new UsageError('E_SIZE', `${what}: '${text}' is not a size; write a number with an optional K, M, G or T suffix, e.g. 64K`)
  const n = Math.round(Number(m[1]) * (UNITS[(m[2] as string).toUpperCase()] as number))
  if (!Number.isSafeInteger(n)) throw new UsageError('E_SIZE', `${what}: '${text}' is too large`)
  return n
}

/**
 * --bwlimit as rsync reads it: a bare number is KiB per second (so an rsync
 * habit, `--bwlimit 20000`, is about 20 MB/s, not 20 KB/s); K, M, G and T as
 * in parseSize; a B suffix (`500000B`) means bytes. Returns bytes per second.
 */
export function parseRate(text: string, what: string): number {
  const t = text.trim()
  // parseSize's message would not say what a bare number means here.
  if (!SIZE_FORM.test(t)) {
    throw new UsageError('E_SIZE', `${what}: '${text}' is not a rate; a bare number is KiB per second, as in rsync; or use a K, M, G or T suffix, or B for bytes, e.g. 100M or 500000B`)
  }
  if (/^\d+(?:\.\d+)?$/.test(t)) return parseSize(`${t}K`, what)
  if (/^\d+(?:\.\d+)?\s*B$/i.test(t)) return parseSize(t.replace(/B$/i, ''), what)
  return parseSize(t, what)
}

/** Byte ranges in text: '64 KiB at 4.00 MiB' (JSON keeps exact offsets and lengths). */
export function formatRange(r: {offset: number; length: number}): string {
  return `${formatBytes(r.length)} at ${formatBytes(r.offset)}`
}

/** '1 range', '3 ranges'. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}

const AGE_UNITS: Record<string, number> = {s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000}

/** An age as people write it: 90s, 30m, 12h, 7d, 2w. In ms. */
export function parseAge(text: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([smhdw])$/i.exec(text.trim())
  if (!m) throw new UsageError('E_DURATION', `${what}: '${text}' is not an age; write e.g. 12h, 7d or 2w`)
  return Math.round(Number(m[1]) * (AGE_UNITS[(m[2] as string).toLowerCase()] as number))
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = n
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${i === 0 ? v : v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`
}
