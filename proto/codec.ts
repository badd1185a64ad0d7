// The frame codec: the only module that touches the generated protobuf code.
//
// On the wire a frame is a 4-byte big-endian length N, then N bytes of an
// encoded `Frame`. A `data` frame is followed by `data.length` raw payload
// bytes, outside the protobuf message, so block data goes from the read buffer
// to the socket without passing through the encoder.
//
// The decoder is a small state machine over a list of buffers (as undici's
// websocket receiver). Lengths are checked against their maximum before any
// payload is buffered or allocated; after the first bad frame it accepts no
// more input.

import {createRequire} from 'node:module'
import './numbers.js'
import type * as G from './gen/blockpair.cjs'

// require, not import: an ESM import of a CommonJS file first scans its
// source for exports, and for the 150 KiB generated file that scan alone
// took ~30 ms of every command's start-up.
const gen = createRequire(import.meta.url)('./gen/blockpair.cjs') as typeof G

const pb = gen.blockpair

/** The codes a frame that cannot be sent or received fails with. */
export type CodecCode = 'E_FRAME_TOO_LARGE' | 'E_FRAME_TRUNCATED' | 'E_FRAME_MALFORMED' | 'E_FRAME_UNKNOWN'

/**
 * A frame that cannot be sent or received. proto imports nothing of the
 * agent's, so this is not one of agent/errors.ts's classes: agent/wire/channel.ts
 * turns it into a ProtocolError with the same code. `exit` is DESIGN.md's exit
 * for a protocol error, carried so that every failure has one; agent/errors.ts's
 * table says the same for each CodecCode (test/agent/errors.test.ts checks).
 */
const PROTOCOL_EXIT = 4

export class CodecError extends Error {
  readonly exit = PROTOCOL_EXIT
  constructor(readonly code: CodecCode, message: string) {
    super(message)
    this.name = 'CodecError'
  }
}

export const Role = {SOURCE: pb.Role.SOURCE, DEST: pb.Role.DEST} as const
export type Role = (typeof Role)[keyof typeof Role]

type Props = NonNullable<G.blockpair.Frame.$Properties>
export type FrameKind = NonNullable<Props['body']>
export type Message<K extends FrameKind> = NonNullable<Props[K]>
/** A decoded frame, discriminated by `kind`; `payload` is set on data frames only. */
export type Frame = {[K in FrameKind]: {kind: K; msg: Message<K>; payload?: Buffer}}[FrameKind]

export type Hello = Message<'hello'>
export type Open = Message<'open'>
export type Opened = Message<'opened'>
export type Start = Message<'start'>
export type Stats = NonNullable<Message<'finish'>['stats']>

/** Largest encoded protobuf part of a frame (manifests of 4 KiB blocks fit easily). */
export const MAX_FRAME = 1 << 20
/** Largest raw payload after a data frame. */
export const MAX_PAYLOAD = 16 << 20

/** Every frame kind this version speaks. */
export const FRAME_KINDS: readonly FrameKind[] = [
  'hello', 'open', 'opened', 'start', 'manifest', 'refine', 'refineHashes', 'data', 'zero',
  'segmentEnd', 'checkpoint', 'finish', 'finished', 'error', 'keepalive',
]
const KINDS: ReadonlySet<string> = new Set(FRAME_KINDS)

/** The frames of patch and digest files (agent/run/patch/), which never travel on the wire. */
export const FILE_KINDS: readonly FrameKind[] = ['fileHeader', 'patchBlocks', 'fileEnd', 'manifest', 'data', 'zero']
const FILE_KIND_SET: ReadonlySet<string> = new Set(FILE_KINDS)

/**
 * Decode one frame body read from a patch or digest file (the file reader
 * frames and checksums them itself). The payload of a data frame is not
 * part of it: the caller reads `msg.length` bytes after it.
 */
export function decodeFileFrame(bytes: Buffer): Frame {
  let msg: G.blockpair.Frame
  try {
    msg = pb.Frame.decode(bytes)
  } catch (err) {
    throw new CodecError('E_FRAME_MALFORMED', `a record that does not decode: ${(err as Error).message}`)
  }
  const kind = msg.body
  if (kind === undefined || !FILE_KIND_SET.has(kind)) throw new CodecError('E_FRAME_UNKNOWN', 'a record of a type this version does not know')
  return {kind, msg: msg[kind]} as Frame
}

/** Encode one frame with its length prefix. */
export function encodeFrame<K extends FrameKind>(kind: K, msg: Message<K>): Buffer {
  const body = pb.Frame.encode({[kind]: msg} as Props).finish()
  if (body.length > MAX_FRAME) {
    throw new CodecError('E_FRAME_TOO_LARGE', `refusing to send a ${kind} frame of ${body.length} bytes (limit ${MAX_FRAME})`)
  }
  const out = Buffer.allocUnsafe(4 + body.length)
  out.writeUInt32BE(body.length, 0)
  out.set(body, 4)
  return out
}

/** The header for `length` bytes of block data at `offset`; the caller writes the payload right after it. */
export function encodeDataHeader(offset: number, length: number): Buffer {
  if (length > MAX_PAYLOAD) {
    throw new CodecError('E_FRAME_TOO_LARGE', `refusing to send a block of ${length} bytes (limit ${MAX_PAYLOAD})`)
  }
  return encodeFrame('data', {offset, length})
}

/**
 * The header for several pieces sent as one payload, back to back (see
 * `Data` in blockpair.proto): one frame instead of one per scattered 4 KiB
 * change, which cost both ends more than the bytes themselves.
 */
export function encodePiecesHeader(offsets: readonly number[], lengths: readonly number[]): Buffer {
  const msg = {offset: offsets[0] ?? 0, length: lengths.reduce((a, b) => a + b, 0), pieceOffsets: offsets as number[], pieceLengths: lengths as number[]}
  const bad = piecesProblem(msg)
  if (bad) throw new CodecError('E_FRAME_MALFORMED', `refusing to send pieces that ${bad}`)
  if (msg.length > MAX_PAYLOAD) throw new CodecError('E_FRAME_TOO_LARGE', `refusing to send ${msg.length} bytes in one frame (limit ${MAX_PAYLOAD})`)
  return encodeFrame('data', msg)
}

/**
 * Each piece of a data frame as (offset, the payload's bytes for it): a
 * frame without pieces is one piece. The views share the payload's memory.
 */
export function forEachPiece(msg: Message<'data'>, payload: Buffer, fn: (offset: number, bytes: Buffer) => void): void {
  const offsets = msg.pieceOffsets
  if (!offsets || offsets.length === 0) return fn(msg.offset ?? -1, payload)
  const lengths = msg.pieceLengths as number[]
  let at = 0
  for (let i = 0; i < offsets.length; i++) {
    const n = lengths[i] as number
    fn(offsets[i] as number, payload.subarray(at, at + n))
    at += n
  }
}

/** What is wrong with a data frame's pieces, or null: checked before its payload is buffered. */
function piecesProblem(msg: Message<'data'>): string | null {
  const offsets = msg.pieceOffsets ?? []
  const lengths = msg.pieceLengths ?? []
  if (offsets.length === 0 && lengths.length === 0) return null
  if (offsets.length !== lengths.length) return `name ${offsets.length} offsets and ${lengths.length} lengths`
  if (offsets[0] !== (msg.offset ?? 0)) return 'do not start at the frame\'s offset'
  let sum = 0
  let end = 0
  for (let i = 0; i < offsets.length; i++) {
    const o = offsets[i] as number
    const n = lengths[i] as number
    if (!(n > 0)) return 'include an empty one'
    if (i > 0 && o < end) return 'overlap or are out of order'
    end = o + n
    sum += n
  }
  return sum === (msg.length ?? 0) ? null : `add up to ${sum} bytes, not the frame's ${msg.length ?? 0}`
}

export interface FrameHandler {
  onFrame(frame: Frame): void
  onError(err: CodecError): void
}

const enum State { LENGTH, BODY, PAYLOAD, FAILED }

export class FrameDecoder {
  private chunks: Buffer[] = []
  private buffered = 0
  private state = State.LENGTH
  private need = 4
  private pending: Frame | null = null
  /**
   * Where a block payload that spans several received chunks is gathered.
   * The consumer may supply recycled buffers here instead of a new
   * allocation per frame, which the garbage collector frees late.
   */
  allocPayload: (n: number) => Buffer = n => Buffer.allocUnsafe(n)

  constructor(private readonly handler: FrameHandler) {}

  /** Bytes received but not yet handed out as frames. */
  get bufferedBytes(): number {
    return this.buffered
  }

  /** Part of a frame has arrived and the rest has not. */
  get midFrame(): boolean {
    return this.buffered > 0 || this.state !== State.LENGTH
  }

  get failed(): boolean {
    return this.state === State.FAILED
  }

  push(chunk: Buffer): void {
    if (this.state === State.FAILED) return
    this.chunks.push(chunk)
    this.buffered += chunk.length
    while (this.buffered >= this.need && !this.failed) {
      this.step()
    }
  }

  /** The stream ended: anything left over is a truncated frame. */
  end(): void {
    if (this.state === State.FAILED || this.buffered === 0 && this.state === State.LENGTH) return
    this.fail(new CodecError('E_FRAME_TRUNCATED', `connection closed in the middle of a frame (${this.buffered} bytes left over)`))
  }

  private step(): void {
    switch (this.state) {
      case State.LENGTH: {
        const length = this.take(4).readUInt32BE(0)
        if (length > MAX_FRAME) {
          this.fail(new CodecError('E_FRAME_TOO_LARGE', `peer sent a frame of ${length} bytes (limit ${MAX_FRAME})`))
          return
        }
        this.state = State.BODY
        this.need = length
        return
      }
      case State.BODY: {
        const frame = this.decode(this.take(this.need))
        if (!frame) return
        if (frame.kind === 'data') {
          const length = frame.msg.length ?? 0
          if (length > MAX_PAYLOAD) {
            this.fail(new CodecError('E_FRAME_TOO_LARGE', `peer announced a block of ${length} bytes (limit ${MAX_PAYLOAD})`))
            return
          }
          const bad = piecesProblem(frame.msg)
          if (bad) {
            this.fail(new CodecError('E_FRAME_MALFORMED', `peer sent data pieces that ${bad}`))
            return
          }
          if (length > 0) {
            this.pending = frame
            this.state = State.PAYLOAD
            this.need = length
            return
          }
          frame.payload = Buffer.alloc(0)
        }
        this.state = State.LENGTH
        this.need = 4
        this.handler.onFrame(frame)
        return
      }
      case State.PAYLOAD: {
        const frame = this.pending as Frame
        frame.payload = this.take(this.need, this.allocPayload)
        this.pending = null
        this.state = State.LENGTH
        this.need = 4
        this.handler.onFrame(frame)
        return
      }
      case State.FAILED:
        return
    }
  }

  private decode(bytes: Buffer): Frame | null {
    let msg: G.blockpair.Frame
    try {
      msg = pb.Frame.decode(bytes)
    } catch (err) {
      this.fail(new CodecError('E_FRAME_MALFORMED', `peer sent a frame that does not decode: ${(err as Error).message}`))
      return null
    }
    const kind = msg.body
    if (kind === undefined || !KINDS.has(kind)) {
      this.fail(new CodecError('E_FRAME_UNKNOWN', 'peer sent a frame of a type this version does not know'))
      return null
    }
    return {kind, msg: msg[kind]} as Frame
  }

  /** Remove n bytes from the front; a view when they sit in one chunk, a copy otherwise. */
  private take(n: number, alloc: (n: number) => Buffer = Buffer.allocUnsafe): Buffer {
    // A zero-length frame (4 zero bytes) arrives with nothing buffered behind it.
    if (n === 0) return Buffer.alloc(0)
    this.buffered -= n
    const first = this.chunks[0] as Buffer
    if (first.length === n) {
      this.chunks.shift()
      return first
    }
    if (first.length > n) {
      this.chunks[0] = first.subarray(n)
      return first.subarray(0, n)
    }
    const out = alloc(n)
    let at = 0
    while (at < n) {
      const c = this.chunks[0] as Buffer
      const want = n - at
      if (c.length <= want) {
        out.set(c, at)
        at += c.length
        this.chunks.shift()
      } else {
        out.set(c.subarray(0, want), at)
        this.chunks[0] = c.subarray(want)
        at += want
      }
    }
    return out
  }

  private fail(err: CodecError): void {
    this.state = State.FAILED
    this.chunks = []
    this.buffered = 0
    this.handler.onError(err)
  }
}
