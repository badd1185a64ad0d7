// What `--json` prints, command by command: the one place that builds those
// objects and the one schema each follows (a subset of JSON Schema 2020-12:
// type, properties, required, items, enum, oneOf, minimum; any validator of
// that standard reads them). README.md ("JSON output") documents them; the
// tests check every --json output they see against SCHEMAS (test/helpers/cli.ts),
// so a field renamed here and not there, or there and not here, fails a test.
//
// Every command prints exactly one JSON value on stdout, whatever happens: the
// schema of its success, or ERROR (ok: false) with the exit code. Objects may
// gain fields in later versions; the fields named in `required` stay. Byte
// counts and offsets are exact integers (text output rounds them; JSON never).

import type {JobRecord} from './jobs.js'
import type {Verdict} from './verify.js'
import type {Summary} from '../session/session.js'

export type Schema = {
  type?: string | string[]
  properties?: Record<string, Schema>
  required?: readonly string[]
  items?: Schema
  enum?: readonly unknown[]
  oneOf?: readonly Schema[]
  minimum?: number
  description?: string
}

const int: Schema = {type: 'integer', minimum: 0}
const str: Schema = {type: 'string'}
const bool: Schema = {type: 'boolean'}
const strOrNull: Schema = {type: ['string', 'null']}

/** An object whose listed properties are all required. */
function object(properties: Record<string, Schema>, description?: string): Schema {
  return {type: 'object', properties, required: Object.keys(properties), ...(description ? {description} : {})}
}

const RANGE = object({offset: int, length: int}, 'a byte range: exact offset and length')
const IDENTITY: Schema = {type: ['object', 'null'], properties: {size: int, isDevice: bool}, required: ['size', 'isDevice']}

const SUMMED = ['size', 'blocks', 'blocksChanged', 'bytesReadSource', 'bytesReadDest', 'bytesSent', 'bytesOnWire',
  'bytesWritten', 'bytesZeroed', 'durationMs'] as const

export type Totals = {[K in (typeof SUMMED)[number]]: number}

/** push, pull and resume of one file: the sync's Summary (agent/session/summary.ts). */
const SUMMARY = object({
  ok: {enum: [true]}, job: strOrNull, source: str, destination: str, size: int, blockSize: int, blocks: int, blocksChanged: int,
  bytesReadSource: int, bytesReadDest: int, bytesSent: int, bytesOnWire: int, bytesWritten: int, bytesZeroed: int, durationMs: int,
  resumedFrom: int, resumeDiscarded: strOrNull, verified: bool, sourceChanged: bool,
  differences: {type: 'array', items: RANGE, description: 'the ranges that differed (were sent or zeroed, or would be in a dry run), sorted; at most 10,000, the last then spanning every later difference'},
  dryRun: bool, destinationCreated: bool, destinationExisted: bool, destinationSize: int, destinationLargerBy: int,
  sourceIdentity: IDENTITY, destIdentity: IDENTITY,
}, 'one file synced')

const TOTALS = object(Object.fromEntries(SUMMED.map(k => [k, int])))

/** Any failure, of any command. */
const ERROR = object({
  ok: {enum: [false]}, code: {type: 'string', description: 'a stable code from agent/errors.ts'}, exit: {type: 'integer', minimum: 1},
  message: str, job: {type: ['string', 'null'], description: 'the job the failed sync left, for blockpair resume JOB'},
  resumable: {type: 'boolean', description: 'blockpair resume JOB can finish it'},
}, 'a failure: exit is the process exit code')

const RUN_DONE = object({ok: {enum: [true]}, files: {type: 'array', items: SUMMARY}, total: TOTALS}, 'several files synced')
const RUN_STOPPED: Schema = {...ERROR, properties: {...ERROR.properties, file: str, files: {type: 'array', items: SUMMARY}, total: TOTALS},
  required: [...(ERROR.required ?? []), 'file', 'files', 'total'], description: 'a several-file run stopped at `file`; `files` were synced before it'}

const VERIFY = object({
  ok: {enum: [true]}, identical: bool, source: str, target: str, size: int, targetSize: int, bytesDiffering: int,
  differences: {type: 'array', items: RANGE}, bytesReadSource: int, bytesReadDest: int, durationMs: int,
}, 'verify: exit 0 when identical, 1 when not')

const JOB = object({
  id: str, state: {enum: ['running', 'interrupted', 'failed', 'done']}, direction: {enum: ['push', 'pull']}, source: str, destination: str,
  size: int, checkpoint: int, progress: {type: 'number', minimum: 0}, createdAt: str, updatedAt: str,
  error: {type: ['object', 'null']},
})

/** The schema of each command's output on success; ERROR on failure (jobs: an array). */
/** digest, diff and apply (agent/run/patch): what each wrote or checked. */
const DIGEST = object({ok: {enum: [true]}, digestFile: str, size: int, blockSize: int, blocks: int, digest: str, bytesRead: int, fileBytes: int, durationMs: int})
const DIFF = object({
  ok: {enum: [true]}, patch: strOrNull, dryRun: bool, against: {enum: ['copy', 'digest']}, size: int, baseSize: int, blockSize: int, blocks: int,
  blocksChanged: int, bytesData: int, bytesZero: int, bytesRead: int, patchBytes: int, compression: str, baseDigest: str, digest: str, durationMs: int,
})
const APPLY = object({
  ok: {enum: [true]}, patch: str, target: str, job: strOrNull, size: int, baseSize: int, blockSize: int, blocksTouched: int, alreadyApplied: bool,
  dryRun: bool, baseChecked: {enum: ['blocks', 'whole']}, bytesWritten: int, bytesZeroed: int, resumedFrom: int, baseDigest: str, digest: str, durationMs: int,
})

export const SCHEMAS = {
  error: ERROR,
  push: {oneOf: [SUMMARY, RUN_DONE]},
  pull: {oneOf: [SUMMARY, RUN_DONE]},
  resume: {oneOf: [SUMMARY, APPLY]},
  digest: DIGEST,
  diff: DIFF,
  apply: APPLY,
  stopped: RUN_STOPPED,
  verify: VERIFY,
  jobs: {type: 'array', items: JOB, description: 'newest first'},
  keygen: object({ok: {enum: [true]}, file: str, identity: str}),
  demo: object({ok: {enum: [true]}, folder: strOrNull, first: SUMMARY, second: SUMMARY, identical: bool}),
  install: object({ok: {enum: [true]}, host: str, prefix: str, unit: str, keyFile: str}),
} as const satisfies Record<string, Schema>

/** Where `value` breaks `schema`: one line per problem, none when it fits. */
export function validate(schema: Schema, value: unknown, at = '$'): string[] {
  if (schema.oneOf) {
    const fits = schema.oneOf.filter(s => validate(s, value, at).length === 0).length
    return fits === 1 ? [] : [`${at}: fits ${fits} of the ${schema.oneOf.length} shapes it may have, not 1`]
  }
  if (schema.enum && !schema.enum.includes(value)) return [`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`]
  const types = schema.type === undefined ? [] : [schema.type].flat()
  if (types.length > 0 && !types.some(t => isType(t, value))) return [`${at}: ${JSON.stringify(value)} is not ${types.join(' or ')}`]
  if (typeof value === 'number' && schema.minimum !== undefined && value < schema.minimum) return [`${at}: ${value} < ${schema.minimum}`]
  if (Array.isArray(value) && schema.items) return value.flatMap((v, i) => validate(schema.items as Schema, v, `${at}[${i}]`))
  if (value === null || typeof value !== 'object') return []
  const o = value as Record<string, unknown>
  const missing = (schema.required ?? []).filter(k => !(k in o)).map(k => `${at}.${k}: missing`)
  return [...missing, ...Object.entries(schema.properties ?? {}).flatMap(([k, s]) => (k in o ? validate(s, o[k], `${at}.${k}`) : []))]
}

function isType(t: string, v: unknown): boolean {
  if (t === 'integer') return Number.isInteger(v)
  if (t === 'null') return v === null
  if (t === 'array') return Array.isArray(v)
  if (t === 'object') return v !== null && typeof v === 'object' && !Array.isArray(v)
  return typeof v === t
}

/** The sums over the files of a run (durationMs too: the time spent in sessions). */
export function totals(files: readonly Summary[]): Totals {
  const t = Object.fromEntries(SUMMED.map(k => [k, 0])) as Totals
  for (const s of files) for (const k of SUMMED) t[k] += s[k]
  return t
}

/** A failure's JSON (ERROR). */
export function errorJson(e: {code: string; exit: number; message: string; job?: string | undefined}, resumable: boolean): object {
  return {ok: false, code: e.code, exit: e.exit, message: e.message, job: e.job ?? null, resumable}
}

/** The JSON of a several-file run, finished (RUN_DONE) or stopped at `failed` (RUN_STOPPED). */
export function runJson(files: readonly Summary[], failed?: {code: string; exit: number; message: string; file: string; job?: string; resumable: boolean}): object {
  if (!failed) return {ok: true, files, total: totals(files)}
  return {...errorJson(failed, failed.resumable), file: failed.file, files, total: totals(files)}
}

export function verifyJson(v: Verdict): object {
  const s = v.summary
  return {ok: true, identical: v.identical, source: s.source, target: s.destination, size: s.size, targetSize: s.destinationSize,
    bytesDiffering: s.bytesSent + s.bytesZeroed, differences: s.differences, bytesReadSource: s.bytesReadSource,
    bytesReadDest: s.bytesReadDest, durationMs: s.durationMs}
}

/** Jobs under the names push uses (source, destination), with their progress (0 to 1). */
export function jobsJson(jobs: readonly JobRecord[]): object[] {
  return jobs.map(({from, to, ...j}) => ({...j, source: from, destination: to, progress: j.size > 0 ? j.checkpoint / j.size : j.state === 'done' ? 1 : 0}))
}
