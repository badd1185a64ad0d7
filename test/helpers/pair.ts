// Two peers' channels joined in memory, so engine tests need no network.
import {Channel} from '../../agent/wire/channel.js'
import {duplexPair} from '../../agent/wire/pair.js'

export {duplexPair}

export function channelPair(): [Channel, Channel] {
  const [a, b] = duplexPair()
  return [new Channel(a), new Channel(b)]
}
