// Two duplex streams joined in memory, so two peers can talk without a network.
import {Duplex} from 'node:stream'
import {Channel} from '../../agent/channel.js'

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

export function channelPair(): [Channel, Channel] {
  const [a, b] = duplexPair()
  return [new Channel(a), new Channel(b)]
}
