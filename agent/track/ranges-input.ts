// --changed-ranges: the ranges of the source that may have changed since the
// pair's last sync, as another tool reports them. Pure: text in, sorted and
// merged byte ranges out, or a usage error (exit 2) before anything connects.
//
// Three forms, told apart by their first character:
//   lines        `OFFSET LENGTH` in bytes, one range a line ('#' comments)
//   '['          `qemu-img map --output=json` of a dirty bitmap read through
//                NBD with x-dirty-bitmap=qemu:dirty-bitmap:NAME: qemu reports
//                the bitmap's dirty extents as `"data": false` (checked with
//                qemu 7.2 and qemu-storage-daemon: a written extent reads
//                back present:false, data:false, zero:false). A plain map of
//                an image says `"zero": true` for its holes, which no bitmap
//                map does: such a list is refused, not read upside down.
//   '<'          `thin_delta` XML: <different>, <left_only>, <right_only>
//                with begin/length in the pool's data blocks (or, with
//                --verbose, <range> children), the block size from a flag;
//                <same> is unchanged.
// A list with no ranges is valid (nothing changed), but it must say so: a
// comment line, `[]`, or a thin_delta list with no changes. An input of no
// bytes at all is what a tool that failed leaves behind (`thin_delta ... >
// changed.xml` that died, a script that exited early): taken as "nothing
// changed", every write since the last sync would be silently skipped.

import type {Range} from '../engine/engine.js'
import {UsageError} from '../errors.js'

export type RangesForm = 'lines' | 'qemu-map' | 'thin-delta'

export interface ChangedRanges {
  form: RangesForm
  /** Sorted, merged, none empty. */
  ranges: Range[]
}

/** The first bytes of a qcow2 file ("QFI\xfb"): its bitmap describes the guest's disk, not the file's bytes. */
export const QCOW2_MAGIC = Buffer.from([0x51, 0x46, 0x49, 0xfb])

function bad(what: string): UsageError {
  return new UsageError('E_RANGES_BAD', `--changed-ranges: ${what}`)
}

/** A byte range from two counts, checked: whole, not negative, ending within 2^53. */
function rangeOf(offset: number, length: number, where: string): Range {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) throw bad(`${where}: offset and length must be whole numbers of bytes, not negative`)
  if (!Number.isSafeInteger(offset + length)) throw bad(`${where}: the range ends past 2^53 bytes`)
  return {offset, length}
}

/** Sort and merge (touching or overlapping ranges become one); empty ones go. */
export function mergeRanges(ranges: readonly Range[]): Range[] {
  const sorted = ranges.filter(r => r.length > 0).sort((a, b) => a.offset - b.offset)
  const out: Range[] = []
  for (const r of sorted) {
    const last = out[out.length - 1]
    if (last && r.offset <= last.offset + last.length) last.length = Math.max(last.length, r.offset + r.length - last.offset)
    else out.push({...r})
  }
  return out
}

function parseLines(text: string): Range[] {
  const out: Range[] = []
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim()
    if (!line) return
    const m = /^([0-9]+)\s+([0-9]+)$/.exec(line)
    if (!m) throw bad(`line ${i + 1} is not 'OFFSET LENGTH' in bytes: '${raw.slice(0, 60)}'`)
    out.push(rangeOf(Number(m[1]), Number(m[2]), `line ${i + 1}`))
  })
  return out
}

function parseQemuMap(text: string): Range[] {
  let list: unknown
  try {
    list = JSON.parse(text)
  } catch {
    throw bad('not valid JSON (expected the output of qemu-img map --output=json)')
  }
  if (!Array.isArray(list)) throw bad('the qemu-img map JSON is not a list of entries')
  return list.flatMap((e: unknown, i: number) => {
    const x = e as {start?: unknown; length?: unknown; data?: unknown; zero?: unknown}
    if (typeof x !== 'object' || x === null || typeof x.start !== 'number' || typeof x.length !== 'number' || typeof x.data !== 'boolean') {
      throw bad(`qemu-img map entry ${i} lacks a numeric start and length and a boolean data`)
    }
    if (x.zero === true) throw bad('this qemu-img map reports zero extents: it maps the image, not a dirty bitmap (read the bitmap with x-dirty-bitmap=qemu:dirty-bitmap:NAME)')
    const r = rangeOf(x.start, x.length, `qemu-img map entry ${i}`)
    return x.data ? [] : [r]
  })
}

const THIN_CHANGED = new Set(['different', 'left_only', 'right_only'])
const THIN_KINDS = new Set([...THIN_CHANGED, 'same'])

/** The attributes of one XML tag, strictly `name="value"`. */
function attrsOf(body: string, where: string): Map<string, string> {
  const out = new Map<string, string>()
  const rest = body.replace(/([a-z_]+)="([^"]*)"/g, (_, k: string, v: string) => {
    out.set(k, v)
    return ''
  })
  if (rest.trim()) throw bad(`thin_delta XML: malformed attributes in <${where}>`)
  return out
}

function count(v: string | undefined, what: string): number {
  if (v === undefined || !/^[0-9]+$/.test(v)) throw bad(`thin_delta XML: ${what} must be a whole number`)
  return Number(v)
}

const THIN_TAGS = /<(\/?)([a-z_]+)((?:\s+[a-z_]+="[^"]*")*)\s*(\/?)>/g

/**
 * Every tag that opens closes, in order. A list cut short at a line's end
 * (thin_delta killed, a full disk under `> changed.xml`) is otherwise well
 * formed: without this check the ranges after the cut would be taken as
 * unchanged and never compared.
 */
function checkNesting(text: string): void {
  const open: string[] = []
  for (const [, close, name = '', , empty] of text.matchAll(THIN_TAGS)) {
    if (empty) continue
    if (!close) open.push(name)
    else if (open.pop() !== name) throw bad(`thin_delta XML: </${name}> closes no open <${name}>`)
  }
  if (open.length) throw bad(`thin_delta XML: <${open[open.length - 1]}> is never closed: the list is cut short (did thin_delta finish?)`)
}

function parseThinDelta(text: string, blockBytes: number | undefined): Range[] {
  if (!blockBytes) throw new UsageError('E_THIN_BLOCK_SIZE', '--changed-ranges: a thin_delta list counts in pool blocks: give the pool\'s chunk size with --thin-block-size (lvs -o chunk_size)')
  const out: Range[] = []
  let kind: string | null = null
  const stripped = text.replace(/<\?xml[^>]*\?>/, '').replace(THIN_TAGS, '').trim()
  if (stripped) throw bad(`thin_delta XML: unexpected text '${stripped.slice(0, 40)}'`)
  checkNesting(text)
  for (const m of text.matchAll(THIN_TAGS)) {
    const [, close, name = '', body = '', empty] = m
    if (name === 'superblock' && !close) {
      const sectors = attrsOf(body, name).get('data_block_size')
      if (sectors !== undefined && count(sectors, 'data_block_size') * 512 !== blockBytes) {
        throw bad(`thin_delta XML: the pool's data_block_size is ${sectors} sectors, not --thin-block-size ${blockBytes} bytes`)
      }
      continue
    }
    if (!THIN_KINDS.has(name) && name !== 'range') continue
    if (close) {
      kind = null
      continue
    }
    const a = attrsOf(body, name)
    // Verbose output: <different> opens, <range .../> children carry the blocks.
    if (THIN_KINDS.has(name) && !empty && !a.has('begin')) {
      kind = name
      continue
    }
    const k = name === 'range' ? kind : name
    if (!k) throw bad('thin_delta XML: a <range> outside <different>, <left_only>, <right_only> or <same>')
    if (!THIN_CHANGED.has(k)) continue
    const begin = count(a.get('begin'), 'begin')
    const length = count(a.get('length'), 'length')
    out.push(rangeOf(begin * blockBytes, length * blockBytes, `<${k} begin="${begin}">`))
  }
  return out
}

/** Detect the form of `text` and read its ranges; `thinBlockSize`: the pool's block in bytes (thin_delta only). */
export function parseChangedRanges(text: string, thinBlockSize?: number): ChangedRanges {
  if (!text.trim()) throw bad('the list is empty: did the tool that wrote it fail? A list with nothing changed says so with a comment line (\'# nothing changed\'), [] or thin_delta\'s own empty list')
  const head = text.trimStart()[0]
  const form: RangesForm = head === '[' ? 'qemu-map' : head === '<' ? 'thin-delta' : 'lines'
  const raw = form === 'qemu-map' ? parseQemuMap(text) : form === 'thin-delta' ? parseThinDelta(text, thinBlockSize) : parseLines(text)
  return {form, ranges: mergeRanges(raw)}
}

/** Every range lies within a source of `size` bytes (checked once the source is open). */
export function checkWithin(ranges: readonly Range[], size: number): void {
  const last = ranges[ranges.length - 1]
  if (last && last.offset + last.length > size) {
    throw new UsageError('E_RANGES_PAST_END', `--changed-ranges lists bytes up to ${last.offset + last.length}, past the end of the ${size}-byte source: the list is for another file or an older size`)
  }
}

/** A qcow2 source cannot take a guest's dirty ranges: they are not its file offsets. */
export function refuseQcow2(head: Buffer, file: string): void {
  if (head.subarray(0, 4).equals(QCOW2_MAGIC)) {
    throw new UsageError('E_RANGES_QCOW2', `--changed-ranges: ${file} is a qcow2 image; a dirty bitmap lists the guest's offsets, which are not offsets in a qcow2 file. Sync it in full, or sync the raw image or device the guest sees`)
  }
}
