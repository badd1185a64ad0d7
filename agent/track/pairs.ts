// The tracked pairs the initiating host knows of, for `blockpair jobs`: one
// small JSON file per pair in the job state folder (tracked/<pair>.json),
// naming the two ends and the local file whose folder holds the pair's
// state. The state itself stays beside the files (state.ts); this is only
// the index that lets `jobs` show the space a base holds and `jobs
// --untrack` find what to remove.

import fs from 'node:fs'
import path from 'node:path'
import {UsageError} from '../errors.js'
import {dropCache} from './cache.js'
import {untrackEnd} from './lineage.js'
import {readRecord, pairDir} from './state.js'
import {heldBytes} from './snapshot.js'

export interface TrackedPair {
  pair: string
  direction: 'push' | 'pull'
  source: string
  destination: string
  /** The file at this end: the source of a push, the destination of a pull. */
  local: string
  updatedAt: string
}

export interface PairSpace extends TrackedPair {
  /** Bytes the base snapshot holds that the live file no longer shares; null when the base is on the other host. */
  heldBytes: number | null
}

function folder(stateDir: string): string {
  return path.join(stateDir, 'tracked')
}

/** Note a tracked pair; returns false when the index cannot be written (only `jobs` misses it then). */
export function notePair(stateDir: string, p: Omit<TrackedPair, 'updatedAt'>): boolean {
  try {
    fs.mkdirSync(folder(stateDir), {recursive: true, mode: 0o700})
    const file = path.join(folder(stateDir), `${p.pair}.json`)
    fs.writeFileSync(`${file}.tmp`, JSON.stringify({...p, updatedAt: new Date().toISOString()}) + '\n', {mode: 0o600})
    fs.renameSync(`${file}.tmp`, file)
    return true
  } catch {
    return false
  }
}

export function listPairs(stateDir: string): PairSpace[] {
  let names: string[]
  try {
    names = fs.readdirSync(folder(stateDir)).filter(n => n.endsWith('.json'))
  } catch {
    return []
  }
  return names.flatMap(n => {
    try {
      const p = JSON.parse(fs.readFileSync(path.join(folder(stateDir), n), 'utf8')) as TrackedPair
      const snapshot = p.direction === 'push' ? readRecord(pairDir(p.local, p.pair), 'source')?.snapshot : undefined
      return [{...p, heldBytes: snapshot ? heldBytes(path.join(pairDir(p.local, p.pair), snapshot)) : null}]
    } catch {
      return []
    }
  })
}

/**
 * Stop tracking a pair (its key, or its source or destination as listed):
 * what this host keeps of it beside the local file goes, its record, its
 * base snapshot and its destination hash cache (a pull's, or a push's when
 * both files share a folder); a push's cache at the far end stays there.
 */
export function untrackPair(stateDir: string, which: string): TrackedPair {
  const p = listPairs(stateDir).find(x => x.pair === which || x.source === which || x.destination === which)
  if (!p) throw new UsageError('E_NOT_TRACKED', `no tracked pair ${which}; \`blockpair jobs\` lists them`)
  dropCache(p.local, p.pair)
  untrackEnd(p.local, p.pair)
  fs.rmSync(path.join(folder(stateDir), `${p.pair}.json`), {force: true})
  return p
}
