// A framed, bidirectional channel over any duplex stream (a TLS socket in
// production, an in-memory pair in tests). It knows frames, not sync logic:
//
// - send() returns what write() returned; callers that produce a lot wait on
//   drain() (backpressure outbound).
// - Inbound frames go to one handler at a time; until one is set they queue,
//   so the handshake can `await next()` frame by frame.
// - pause()/resume() stop reading from the stream when the consumer is behind
//   (backpressure inbound); the decoder never holds more than one frame.
// - An Error frame from the peer, a bad frame, or the stream closing early
//   all end the channel with one error, delivered to `failed`.
// - With a frame deadline, a frame that has begun must finish arriving in
//   time: otherwise a peer dripping one byte at a time resets every idle
//   timer and holds its session (and the target's lock) forever. The clock
//   stops while we paused reading, since then the delay is ours.
// - With a silence deadline, the peer must send something (a keepalive will
//   do) that often while we read: a cut cable shows up as nothing at all, and
//   TCP with nothing in flight never gives up. With a heartbeat, we send a
//   keepalive whenever we have sent nothing for a while, so a peer that is
//   busy (fdatasync, a re-read, a snapshot, a lock wait) is never silent.
//   Sockets also get TCP keepalive (transport.ts), which catches a dead peer
//   only when nothing is in flight; these clocks catch it either way.

import type {Duplex} from 'node:stream'
import {CodecError, encodeDataHeader, encodeFrame, encodePiecesHeader, FrameDecoder, type Frame, type FrameKind, type Message} from '../../proto/codec.js'
import {BlockpairError, errorFromWire, EXIT, InterruptedError, ProtocolError} from '../errors.js'

export type FrameListener = (frame: Frame) => void

/** How often a channel with a heartbeat speaks when it has nothing else to say; a silence deadline must be well above it. */
export const HEARTBEAT_MS = 1000
/** A clock this late had our own event loop blocked, not the peer silent (see armSilence). */
const LATE_MS = 250

// Frames nobody has taken yet (the handshake is between two steps) are queued;
// past these bounds the channel stops reading until the queue is empty again,
// so a peer that floods frames cannot grow it. A few queued frames do not
// pause: an Error frame or the end behind them is still noticed at once.
const QUEUE_FRAMES = 256
const QUEUE_BYTES = 16 << 20

function queueCost(f: Frame): number {
  return 64 + (f.payload?.length ?? 0)
}

/** proto knows nothing of the agent's errors: its CodecError becomes a ProtocolError, same code and exit. */
function protocolError(e: CodecError): ProtocolError {
  return new ProtocolError(e.code, e.message)
}

function fromCodec(err: unknown): unknown {
  return err instanceof CodecError ? protocolError(err) : err
}

export class Channel {
  private readonly decoder: FrameDecoder
  private readonly queue: Frame[] = []
  private listener: FrameListener | null = null
  private waiter: {resolve: (f: Frame) => void; reject: (e: Error) => void} | null = null
  private error: BlockpairError | null = null
  private ended = false
  private failListeners: Array<(e: BlockpairError) => void> = []
  /** The consumer asked for a pause (pause()); draining the queue does not resume past it. */
  private held = false
  /** Reading stopped because the queue is over its bounds. */
  private queueFull = false
  private queuedBytes = 0
  private frameMs = 0
  private frameTimer: NodeJS.Timeout | null = null
  private silenceMs = 0
  private silenceError: () => BlockpairError = () => new InterruptedError('E_PEER_SILENT', 'the peer went silent')
  private silenceTimer: NodeJS.Timeout | null = null
  private heardAt = Date.now()
  /** The heardAt for which a late clock was already given its grace (see armSilence). */
  private gracedAt = -1
  private sentAt = Date.now()
  private beat: NodeJS.Timeout | null = null
  /** Bytes of TLS application data sent and received (framing included). */
  bytesOut = 0
  bytesIn = 0

  constructor(readonly stream: Duplex) {
    this.decoder = new FrameDecoder({
      onFrame: f => this.dispatch(f),
      // A bad frame: tell the peer why (an Error frame), then close.
      onError: e => this.abort(protocolError(e)),
    })
    stream.on('data', (chunk: Buffer) => {
      this.bytesIn += chunk.length
      this.heardAt = Date.now()
      this.decoder.push(chunk)
      this.watchFrame()
    })
    stream.on('end', () => {
      this.decoder.end()
      this.fail(new InterruptedError('E_DISCONNECTED', 'the peer closed the connection before the sync finished'), false)
    })
    stream.on('close', () => {
      this.stopClocks()
      this.fail(new InterruptedError('E_DISCONNECTED', 'the connection to the peer was lost'), false)
    })
    stream.on('error', (err: NodeJS.ErrnoException) => {
      this.fail(new InterruptedError('E_DISCONNECTED', `the connection to the peer failed: ${err.code ?? err.message}`, {cause: err}), false)
    })
  }

  send<K extends FrameKind>(kind: K, msg: Message<K>): boolean {
    let buf: Buffer
    try {
      buf = encodeFrame(kind, msg)
    } catch (err) {
      throw fromCodec(err)
    }
    this.bytesOut += buf.length
    this.sentAt = Date.now()
    return this.stream.write(buf)
  }

  /** Send block data with no copy; `done` runs once the stream no longer needs `payload`. */
  sendData(offset: number, payload: Buffer, done: () => void): boolean {
    let header: Buffer
    try {
      header = encodeDataHeader(offset, payload.length)
    } catch (err) {
      throw fromCodec(err)
    }
    this.bytesOut += header.length + payload.length
    this.sentAt = Date.now()
    this.stream.write(header)
    return this.stream.write(payload, () => done())
  }

  /**
   * Send small pieces of block data as one frame, copied into one buffer
   * with its header: one write for all of them (see encodePiecesHeader).
   */
  sendPieces(offsets: readonly number[], pieces: readonly Buffer[]): boolean {
    let header: Buffer
    try {
      header = encodePiecesHeader(offsets, pieces.map(p => p.length))
    } catch (err) {
      throw fromCodec(err)
    }
    let total = header.length
    for (const p of pieces) total += p.length
    const out = Buffer.allocUnsafe(total)
    header.copy(out, 0)
    let at = header.length
    for (const p of pieces) at += p.copy(out, at)
    this.bytesOut += total
    this.sentAt = Date.now()
    return this.stream.write(out)
  }

  /** Resolves when the stream can take more writes. */
  async drain(): Promise<void> {
    if (!this.stream.writableNeedDrain) return
    if (this.error) throw this.error
    await new Promise<void>((resolve, reject) => {
      const onDrain = (): void => {
        this.failListeners = this.failListeners.filter(f => f !== onFail)
        resolve()
      }
      const onFail = (e: BlockpairError): void => {
        this.stream.off('drain', onDrain)
        reject(e)
      }
      this.stream.once('drain', onDrain)
      this.failListeners.push(onFail)
    })
  }

  /** The next frame, for step-by-step exchanges such as the handshake. */
  async next(): Promise<Frame> {
    const f = this.queue.shift()
    if (f) {
      this.unqueued(f)
      return f
    }
    if (this.error) throw this.error
    return new Promise((resolve, reject) => {
      this.waiter = {resolve, reject}
    })
  }

  /** Expect a frame of one kind next; anything else is a protocol error. */
  async expect<K extends FrameKind>(kind: K): Promise<Message<K>> {
    const f = await this.next()
    if (f.kind !== kind) {
      const err = new ProtocolError('E_UNEXPECTED_FRAME', `expected a ${kind} frame from the peer, got ${f.kind}`)
      this.abort(err)
      throw err
    }
    return f.msg as Message<K>
  }

  /** Hand every frame from now on to `listener` (queued ones first). */
  listen(listener: FrameListener): void {
    this.listener = listener
    while (this.queue.length > 0 && this.listener === listener && !this.error) {
      const f = this.queue.shift() as Frame
      this.unqueued(f)
      listener(f)
    }
  }

  /** Call `fn` once if the channel fails (now or later). */
  onFail(fn: (e: BlockpairError) => void): void {
    if (this.error) fn(this.error)
    else this.failListeners.push(fn)
  }

  get failure(): BlockpairError | null {
    return this.error
  }

  /** Supply the buffers that block payloads spanning several chunks are gathered in. */
  set payloadAllocator(alloc: (n: number) => Buffer) {
    this.decoder.allocPayload = alloc
  }

  pause(): void {
    this.held = true
    this.stream.pause()
    this.watchFrame()
  }

  resume(): void {
    this.held = false
    if (!this.queueFull) this.stream.resume()
    this.watchFrame()
  }

  /** From now on, a frame that has begun must arrive in full within `ms` (issue 14, item 4). */
  frameDeadline(ms: number): void {
    this.frameMs = ms
    this.watchFrame()
  }

  /**
   * From now on, fail with `error()` when nothing arrives from the peer for
   * `ms` while we read (0: never). The peer must run a heartbeat shorter than
   * `ms`; agents of this version do (client.ts, server.ts).
   */
  silenceDeadline(ms: number, error: () => BlockpairError): void {
    this.silenceMs = ms
    this.silenceError = error
    this.heardAt = Date.now()
    this.watchFrame()
  }

  /** Send a keepalive whenever nothing else was sent for `ms`, until the channel ends. */
  heartbeat(ms = HEARTBEAT_MS): void {
    if (this.beat) clearInterval(this.beat)
    this.beat = setInterval(() => {
      if (this.error || this.ended || this.stream.writableEnded) return this.stopBeat()
      if (Date.now() - this.sentAt >= ms) this.send('keepalive', {})
    }, ms)
    this.beat.unref()
  }

  /** The channel is done: no clock may keep the process alive or fire on a session that ended well. */
  private stopClocks(): void {
    this.stopBeat()
    this.watchFrame()
  }

  private stopBeat(): void {
    if (this.beat) clearInterval(this.beat)
    this.beat = null
  }

  private get reading(): boolean {
    return !this.held && !this.queueFull && !this.error && !this.ended
  }

  /** The peer's silence counts only while we read: a pause is our delay, not its. */
  private watchSilence(): void {
    if (!(this.silenceMs > 0 && this.reading)) {
      if (this.silenceTimer) clearTimeout(this.silenceTimer)
      this.silenceTimer = null
    } else if (!this.silenceTimer) {
      this.heardAt = Date.now()
      this.armSilence(this.silenceMs)
    }
  }

  /**
   * Fire when the silence is due; a chunk heard meanwhile only moves the
   * deadline (one Date.now() per chunk, no timer churn). A clock that fires
   * late had our own event loop blocked (a long synchronous call): timers run
   * before the socket is read, so what the peer sent meanwhile is not counted
   * yet. It gets one short grace, for the socket to be read, before it judges.
   */
  private armSilence(ms: number): void {
    const due = Date.now() + ms
    this.silenceTimer = setTimeout(() => {
      this.silenceTimer = null
      const now = Date.now()
      const quiet = now - this.heardAt
      if (quiet < this.silenceMs) return this.armSilence(this.silenceMs - quiet)
      if (now - due > LATE_MS && this.gracedAt !== this.heardAt) {
        this.gracedAt = this.heardAt
        return this.armSilence(LATE_MS)
      }
      this.abort(this.silenceError())
    }, ms)
    // The socket keeps the process alive while the session runs; this clock alone must not.
    this.silenceTimer.unref()
  }

  /** Start the frame clock when a frame is under way and we read; stop it otherwise (and the silence clock likewise). */
  private watchFrame(): void {
    this.watchSilence()
    const due = this.frameMs > 0 && this.reading && this.decoder.midFrame
    if (!due) {
      if (this.frameTimer) clearTimeout(this.frameTimer)
      this.frameTimer = null
    } else if (!this.frameTimer) {
      this.frameTimer = setTimeout(() => {
        this.frameTimer = null
        this.abort(new InterruptedError('E_FRAME_TIMEOUT', `a frame from the peer took more than ${Math.round(this.frameMs / 1000)} s to arrive; the session was dropped`))
      }, this.frameMs)
    }
  }

  /** A frame left the queue: once a full queue is empty, read again. */
  private unqueued(f: Frame): void {
    this.queuedBytes -= queueCost(f)
    if (this.queueFull && this.queue.length === 0) {
      this.queueFull = false
      if (!this.held) this.stream.resume()
      this.watchFrame()
    }
  }

  /** Tell the peer why we stop, then close. Safe to call more than once. */
  abort(err: BlockpairError): void {
    if (!this.error && !this.ended) {
      try {
        this.send('error', {code: err.code, exit: err.exit, message: err.message})
      } catch {}
    }
    this.fail(err, true)
  }

  /** Close after everything written so far has been flushed. */
  async close(): Promise<void> {
    this.ended = true
    this.stopClocks()
    if (this.stream.writableEnded || this.stream.destroyed) return
    await new Promise<void>(resolve => {
      this.stream.end(() => resolve())
      setTimeout(resolve, 2000).unref()
    })
  }

  /**
   * Release the connection: flush what we wrote (an Error frame included),
   * give the peer a moment to read it and close its side, then destroy. A
   * plain destroy() would reset the connection and lose the Error frame, and
   * the peer would report a lost connection instead of the reason.
   */
  async shutdown(graceMs = 1000): Promise<void> {
    const s = this.stream
    if (!s.destroyed) {
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, graceMs)
        timer.unref()
        s.once('close', () => {
          clearTimeout(timer)
          resolve()
        })
        if (!s.writableEnded) s.end()
      })
    }
    s.destroy()
  }

  private dispatch(f: Frame): void {
    if (this.error) return
    // Keepalives exist only to keep the connection busy; nobody consumes them.
    if (f.kind === 'keepalive') return
    if (f.kind === 'error') {
      const m = f.msg
      this.fail(errorFromWire(m.code ?? 'E_PEER', m.exit ?? EXIT.PROTOCOL, `the peer reported: ${m.message ?? 'an error'}`), true)
      return
    }
    if (this.waiter) {
      const w = this.waiter
      this.waiter = null
      w.resolve(f)
    } else if (this.listener) {
      this.listener(f)
    } else {
      this.queue.push(f)
      this.queuedBytes += queueCost(f)
      if (!this.queueFull && (this.queue.length > QUEUE_FRAMES || this.queuedBytes > QUEUE_BYTES)) {
        this.queueFull = true
        this.stream.pause()
        this.watchFrame()
      }
    }
  }

  private fail(err: BlockpairError, close: boolean): void {
    if (this.error) return
    if (this.ended && err instanceof InterruptedError) return
    this.error = err
    this.ended = true
    this.stopBeat()
    this.watchFrame()
    const w = this.waiter
    this.waiter = null
    w?.reject(err)
    for (const fn of this.failListeners.splice(0)) fn(err)
    if (close) this.stream.end()
    // Give the Error frame a moment to leave before tearing the socket down.
    if (close) setTimeout(() => this.stream.destroy(), 1000).unref()
  }
}
