// Sizes and rates as people write them: 64K, 1M, 100M, 1.5G (powers of 1024).

import {UsageError} from '../errors.js'

const UNITS: Record<string, number> = {'': 1, K: 1 << 10, M: 1 << 20, G: 1 << 30, T: 2 ** 40}

export function parseSize(text: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?$/i.exec(text.trim())
  if (!m) throw new UsageError('E_SIZE', `${what}: '${text}' is not a size; write a number with an optional K, M, G or T suffix, e.g. 64K`)
  const n = Math.round(Number(m[1]) * (UNITS[(m[2] as string).toUpperCase()] as number))
  if (!Number.isSafeInteger(n)) throw new UsageError('E_SIZE', `${what}: '${text}' is too large`)
  return n
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
