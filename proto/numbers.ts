// 64-bit fields decode as plain numbers, not Long objects: every offset and
// size blockpair handles is below 2^53. This must run before the generated
// code loads (it reads util.Long when it defines its defaults), which is why
// it is a module of its own, imported first by the codec.
import protobuf from 'protobufjs/minimal.js'

protobuf.util.Long = undefined as unknown as typeof protobuf.util.Long
protobuf.configure()
