// Two duplex streams joined in memory: both peers of a session in one
// process (local-to-local runs, and the engine tests), no network.

import {Duplex} from 'node:stream'

export function duplexPair(): [Duplex, Duplex] {
  const make = (): Duplex & {other?: Duplex} => {
    const d: Duplex & {other?: Duplex} = new Duplex({
      read() {},
      write(chunk: Buffer, _enc, cb) {
        // A socket hands the reader its own bytes; the writer may reuse its buffer at once.
        d.other?.push(Buffer.from(chunk))
        cb()
      },
      final(cb) {
        d.other?.push(null)
        cb()
      },
    })
    return d
  }
  const a = make()
  const b = make()
  a.other = b
  b.other = a
  return [a, b]
}
