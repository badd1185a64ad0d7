// 64-bit fields decode as plain numbers, not Long objects: every offset and
// size blockpair handles is below 2^53. This must run before the generated
// code loads (it reads util.Long when it defines its defaults), which is why
// it is a module of its own, imported first by the codec.
import {createRequire} from 'node:module'
import type protobufT from 'protobufjs/minimal.js'

const protobuf = createRequire(import.meta.url)('protobufjs/minimal.js') as typeof protobufT

protobuf.util.Long = undefined as unknown as typeof protobuf.util.Long
protobuf.configure()
