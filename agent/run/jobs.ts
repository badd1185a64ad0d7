// Job state: what an interrupted sync needs to continue where it stopped.
//
// The initiating side keeps one JSON file per job in the state folder
// ($XDG_STATE_HOME/blockpair, or ~/.local/state/blockpair, or --state-dir).
// Every write is atomic (a temporary file renamed over the old one), so a
// crash leaves either the old state or the new one. Checkpoints are also
// durable (fsync of the file and the folder), and written off the event loop,
// one at a time, the latest winning: an fsync here takes ~10 ms, and the sync
// must not stall on it. The other updates (start, end) are not fsynced: the
// next checkpoint carries the whole record, and losing an end state to a
// crash costs only a resume that finds nothing to do.
//
// A job records how it was started (the two ends and the options needed to
// reconnect, camelCase; files written before them kept the kebab-case flags,
// converted on read), the identities of both ends when it started, and the last
// checkpoint: the offset below which the destination is durable and equal to
// the source.

import {randomBytes} from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type {Identity} from '../disk/disk.js'
import {IoError, UsageError} from '../errors.js'
import type {JobOptions} from './options.js'
import {parseSize} from './units.js'

export type JobState = 'running' | 'interrupted' | 'failed' | 'done'

export interface JobRecord {
  id: string
  state: JobState
  pid: number
  createdAt: string
  updatedAt: string
  direction: 'push' | 'pull'
  /** 'apply': `blockpair apply` of the patch `from` to the local `to` (agent/run/patch/apply.ts); absent: a sync. */
  kind?: 'apply'
  /** The source and destination arguments as the user gave them. */
  from: string
  to: string
  /** The options that decide how to reconnect and what to do, as first given (agent/run/options.ts). */
  options: JobOptions
  size: number
  blockSize: number
  /** Bytes of the file durable at the destination: the offset below which it is, for one stream. */
  checkpoint: number
  /** With --streams: each stream's durable offset within its own range (agent/session/streams.ts). */
  checkpoints?: number[] | null
  source: Identity | null
  dest: Identity | null
  error: {code: string; message: string} | null
  result: Record<string, unknown> | null
}

const ID = /^[0-9]{8}-[0-9]{6}-[0-9a-f]{4}$/

export {defaultStateDir} from '../track/state.js'

export function newJobId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)
  return `${stamp}-${randomBytes(2).toString('hex')}`
}

export class JobStore {
  private saving: Promise<void> | null = null
  private queued: JobRecord | null = null
  private failure: string | null = null
  private tmpSeq = 0

  constructor(readonly dir: string) {}

  private file(id: string): string {
    if (!ID.test(id)) throw new UsageError('E_JOB_ID', `'${id}' is not a job id (like 20261122-101500-ab12); see 'blockpair jobs'`)
    return path.join(this.dir, `${id}.json`)
  }

  create(fields: Omit<JobRecord, 'id' | 'createdAt' | 'updatedAt' | 'pid' | 'state' | 'error' | 'result'>): JobRecord {
    const now = new Date()
    const rec: JobRecord = {
      ...fields,
      id: newJobId(now),
      state: 'running',
      pid: process.pid,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      error: null,
      result: null,
    }
    this.write(rec)
    return rec
  }

  /** Change the record and write it now (not fsynced). Call settle() first if checkpoints may be in flight. */
  update(rec: JobRecord, patch: Partial<JobRecord>): JobRecord {
    Object.assign(rec, patch, {updatedAt: new Date().toISOString()})
    this.write(rec)
    return rec
  }

  /** Record a checkpoint durably, in the background; settle() reports a failure. */
  checkpoint(rec: JobRecord, offset: number, each?: number[]): void {
    Object.assign(rec, {checkpoint: offset, updatedAt: new Date().toISOString()}, each ? {checkpoints: each} : {})
    this.queued = rec
    if (!this.saving) this.saving = this.drain()
  }

  /**
   * Wait for background checkpoint writes. Returns why one failed, or null:
   * the sync itself went on, so that is a warning, not a failed sync.
   */
  async settle(): Promise<string | null> {
    while (this.saving) await this.saving
    return this.failure
  }

  private async drain(): Promise<void> {
    while (this.queued) {
      const rec = this.queued
      this.queued = null
      try {
        await this.writeDurable(JSON.stringify(rec, null, 2) + '\n', rec.id)
      } catch (err) {
        this.failure ??= `could not save a checkpoint of job ${rec.id} in ${this.dir} (${(err as Error).message}); had the sync been interrupted, it would have resumed from an earlier one`
      }
    }
    this.saving = null
  }

  private async writeDurable(text: string, id: string): Promise<void> {
    const file = this.file(id)
    const tmp = this.tmpName(file)
    const fh = await fs.promises.open(tmp, 'w', 0o600)
    try {
      await fh.writeFile(text)
      await fh.datasync()
    } finally {
      await fh.close()
    }
    await fs.promises.rename(tmp, file)
    const dir = await fs.promises.open(this.dir, 'r')
    try {
      await dir.sync()
    } finally {
      await dir.close()
    }
  }

  private tmpName(file: string): string {
    return `${file}.${process.pid}.${this.tmpSeq++}.tmp`
  }

  get(id: string): JobRecord {
    const file = this.file(id)
    let text: string
    try {
      text = fs.readFileSync(file, 'utf8')
    } catch {
      throw new UsageError('E_NO_JOB', `no job '${id}' in ${this.dir}; see 'blockpair jobs'`)
    }
    return this.parse(text, file)
  }

  /** All jobs, newest first. A job marked running whose process is gone was interrupted. */
  list(): JobRecord[] {
    let names: string[]
    try {
      names = fs.readdirSync(this.dir)
    } catch {
      return []
    }
    const jobs: JobRecord[] = []
    for (const name of names) {
      if (!name.endsWith('.json') || !ID.test(name.slice(0, -5))) continue
      try {
        jobs.push(this.parse(fs.readFileSync(path.join(this.dir, name), 'utf8'), name))
      } catch {
        // A job file we cannot read is skipped here; `resume ID` reports it.
      }
    }
    return jobs.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id))
  }

  /**
   * Remove the files of finished jobs (state done), all of them or those
   * last updated before `before` (ms since the epoch). A job that failed or
   * was interrupted is kept: resume may still finish it. Returns their ids.
   */
  prune(before: number | null): string[] {
    const gone = this.list().filter(j => j.state === 'done' && (before === null || Date.parse(j.updatedAt) < before))
    for (const j of gone) fs.rmSync(this.file(j.id), {force: true})
    return gone.map(j => j.id)
  }

  private parse(text: string, where: string): JobRecord {
    let rec: JobRecord & {flags?: LegacyFlags}
    try {
      rec = JSON.parse(text) as JobRecord
      if (rec.flags && !rec.options) rec.options = fromLegacyFlags(rec.flags)
    } catch {
      throw new IoError('E_JOB_CORRUPT', `job file ${where} is damaged; remove it and start the sync again`)
    }
    delete rec.flags
    if (rec.state === 'running' && !alive(rec.pid)) rec.state = 'interrupted'
    return rec
  }

  private write(rec: JobRecord): void {
    fs.mkdirSync(this.dir, {recursive: true, mode: 0o700})
    const file = this.file(rec.id)
    const tmp = this.tmpName(file)
    fs.writeFileSync(tmp, JSON.stringify(rec, null, 2) + '\n', {mode: 0o600})
    fs.renameSync(tmp, file)
  }
}

/** What job files kept before RunOptions: the command line's flags, kebab-case, sizes as typed. */
type LegacyFlags = Record<string, string | boolean | number | undefined>

const LEGACY_NAMES: Record<string, keyof JobOptions> = {
  'psk-file': 'pskFile', identity: 'identity', 'block-size': 'blockSize', force: 'force', ssh: 'ssh',
  'remote-bin': 'remoteBin', verify: 'verify', bwlimit: 'bwlimit', streams: 'streams',
}

/** A job file written with kebab-case flags, as options. A bad value throws (the file is then damaged). */
export function fromLegacyFlags(flags: LegacyFlags): JobOptions {
  const o: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(flags)) {
    const name = LEGACY_NAMES[k]
    if (name && v !== undefined) o[name] = v
  }
  for (const k of ['blockSize', 'bwlimit'] as const) if (typeof o[k] === 'string') o[k] = parseSize(o[k], k)
  if (typeof o.streams === 'string') o.streams = Number(o.streams)
  return o as JobOptions
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
