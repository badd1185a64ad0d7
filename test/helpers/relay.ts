// A TCP relay that paces a connection to an agent, so that a sync takes long
// enough for a test to act in its middle (at a checkpoint, never after a time).

import net from 'node:net'
import {PassThrough, Transform} from 'node:stream'
import type {Test} from 'tap'

/** Bytes through at `rate()` per second at most (Infinity: at full speed). */
function paced(rate: () => number): Transform {
  let free = Date.now()
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      const now = Date.now()
      const takes = (chunk.length / rate()) * 1000
      free = Math.max(free, now) + takes
      setTimeout(() => done(null, chunk), Math.max(0, free - now - takes))
    },
  })
}

/**
 * A TCP relay to the agent's port; each connection's bytes pass through a
 * fresh transform each way (made by `wire(line, up)`, `line` counting from 0,
 * `up` for the bytes towards the agent).
 */
async function relayThrough(t: Test, port: number, wire: (line: number, up: boolean) => Transform): Promise<number> {
  const sockets = new Set<net.Socket>()
  let lines = 0
  const server = net.createServer(client => {
    const line = lines++
    const up = net.connect(port, '127.0.0.1')
    sockets.add(client).add(up)
    client.pipe(wire(line, true)).pipe(up).pipe(wire(line, false)).pipe(client)
    // Ends pass through the pipes, after the data the relay still holds (an agent's last Error frame).
    client.on('error', () => up.destroy())
    up.on('error', () => client.destroy())
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    for (const s of sockets) s.destroy()
    server.close()
  })
  return (server.address() as net.AddressInfo).port
}

/** A TCP relay to the agent's port that carries at most `rate` bytes a second each way. */
export async function relay(t: Test, port: number, rate: number): Promise<number> {
  return relayThrough(t, port, () => paced(() => rate))
}

/** A relay whose cable can be cut: the connections open then forward nothing either way and close nothing. */
export interface Cable {
  port: number
  /** Freeze every connection open now (what arrives is dropped, nothing closes); later connections go through, as over a mended cable. */
  cut(): void
}

/** A TCP relay to the agent's port, at full speed, whose cable a test can cut. */
export async function cable(t: Test, port: number): Promise<Cable> {
  /** Connections below this number are frozen. */
  let cutBelow = 0
  let opened = 0
  const relayPort = await relayThrough(t, port, line => {
    opened = Math.max(opened, line + 1)
    return new Transform({transform: (chunk: Buffer, _enc, done) => done(null, line < cutBelow ? undefined : chunk)})
  })
  return {port: relayPort, cut: () => { cutBelow = opened }}
}

/** A relay that holds a sync in its middle until the test lets it finish. */
export interface Valve {
  port: number
  /** Full speed from now on, for the connections open and those to come. */
  open(): void
}

/**
 * A TCP relay to the agent's port that carries `slow` bytes a second towards
 * the agent until open(); the agent's answers (checkpoints, refusals) pass at
 * full speed. Slow enough that a sync cannot end before the test acts, however
 * loaded the machine, yet never silent, so no idle timeout fires meanwhile.
 */
export async function valve(t: Test, port: number, slow: number): Promise<Valve> {
  let rate = slow
  const relayPort = await relayThrough(t, port, (_line, up) => up ? paced(() => rate) : new PassThrough())
  return {port: relayPort, open: () => { rate = Infinity }}
}
