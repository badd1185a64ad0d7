// The sync engine: how two peers make [start, end) of the destination equal
// to the source, over any Channel. The range is the whole file, its rest
// after a resume, or one part of it when several sessions sync one file at
// once (--streams, agent/session/streams.ts); the destination never writes outside it.
//
// DEV DOCS
//
// The range is cut into segments (SEGMENT bytes, a multiple of the coarse
// block size). Segment k covers [start + k*SEGMENT, ...). Both peers walk the
// segments in order, reading and hashing at the same time:
//
//   destination                               source
//   read k, hash coarse blocks
//   Manifest{k, hashes}  ───────────────────► read k, hash, compare
//                                             equal blocks: nothing
//                                             source block all zero: Zero{range}
//                                             destination block all zero: the
//                                               non-zero 4 KiB pieces as Data
//                        ◄─────────────────── Refine{k, other differing blocks}
//   4 KiB hashes of them
//   RefineHashes{k}      ───────────────────► Data / Zero for differing pieces
//                        ◄─────────────────── SegmentEnd{k}   (always, in order)
//   rehash touched blocks, add to digest
//
// Nothing waits on a round trip per block: the source keeps up to LOCAL_WINDOW
// segments waiting for refine answers while it reads ahead, and the
// destination reads ahead up to LOCAL_WINDOW segments not yet ended (the checks
// on what the other peer sends allow WINDOW, an older version's). Segments that
// are all hole pin no buffer and do not count against the window, only against
// MAX_OPEN, so the holes of a sparse image are not paced by round trips. Everything past
// `destZeroFrom` is known to be zero at the destination (a new file, or the
// part a grown file gained): the destination neither reads it nor sends a
// manifest for it, and the source refines against zeros locally. Within a
// manifest, all-zero blocks are one bit each instead of a hash (see
// packManifest), and a run of up to HOLE_RUN all-hole segments travels as one
// Manifest{count} and ends in one SegmentEnd{count}, so holes cost almost
// nothing on the wire or on either event loop.
//
// A plan may carry `ranges` (--track-changes, agent/track): the parts of the
// range known to have changed since the pair's last sync. Both peers then
// see only the extents inside them (Layout.toRead), so the rest reads as a
// hole at both ends: it is neither read nor sent, hashes as zero on both
// sides, and the digests still agree. The engine trusts the lineage for it;
// the session checks that both ends back it before any plan carries ranges.
//
// Work goes to libuv's thread pool in as few jobs as possible, because
// handing one over costs more here than a 1 MiB read: each segment is read
// and hashed in one job (Disk.readRange with a FusedHash), and the small
// writes of an incremental go out in batches (WriteBatcher, one pwrite loop
// per job).
//
// At the end the source sends Finish{digest of its block hashes}; the
// destination flushes (fdatasync), compares with the digest over the hashes
// of what it now holds (the blocks it wrote are rehashed from the written
// bytes), and answers Finished. A mismatch fails both sides.
//
// Memory is bounded by the buffer pools and by pausing the channel while too
// many writes are queued. A 4 MiB segment buffer is held only while its bytes
// may still be needed (issue 19): the source gives it back once the segment
// is compared, keeping copies of the few coarse blocks a refine waits for
// (all of it only when many differ), so it touches the LOCAL_READ_AHEAD
// segments being read; the destination holds its LOCAL_WINDOW segments until
// they end and reads one ahead (DEST_BUFFERS).
//
// Where each part lives:
//
//   plan.ts         Plan, EngineHooks, EngineResult, the constants above
//   layout.ts       Layout: segments and blocks of a plan
//   reader.ts       Reader: read-ahead and hashing of segments; the --verify re-read
//   manifest.ts     manifests on the wire (packManifest, unpackManifest)
//   dispatch.ts     the one frame loop: each frame to the handler named after it
//   peer.ts         Peer: the state both peers share (layout, hasher, pool, reader)
//   source-peer.ts  SourcePeer (runSource): compare, send changes, refine answers
//   run-sender.ts   RunSender: adjacent changed pieces merged into one frame
//   mailbox.ts      Mailbox: manifests waited for by segment
//   dest-peer.ts    DestPeer (runDest): manifests, refines, patching, the digest
//   dest-writer.ts  DestWriter: backpressure, payload buffers, checkpoints,
//                   over write-queue.ts (WriteQueue, WriteBatcher)
//   rate.ts         RateLimiter (--bwlimit)
//
// Each peer is an object holding its state in fields, with one handler per
// message it receives (onManifest, onRefineHashes, ... / onData, onZero,
// onRefine, onSegmentEnd, onFinish). This module only re-exports what the
// rest of the agent uses.

export {DEFAULT_BLOCK, FINE, MAX_BLOCK, MIN_BLOCK, SEGMENT_BYTES, validateBlockSize,
  type EngineHooks, type EngineResult, type Plan, type Range} from './plan.js'
export {runSource, SourcePeer} from './source-peer.js'
export {runDest, DestPeer} from './dest-peer.js'
