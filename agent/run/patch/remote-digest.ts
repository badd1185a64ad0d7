// `blockpair digest TARGET --out DIGEST` with a remote TARGET (agent:// or
// [USER@]HOST:PATH): the remote agent reads and hashes its copy, this end
// writes the digest file. The session is a remote apply's check session
// (patch-source.ts) with a patch that touches nothing: a dry-run push whose
// size is the destination's, hashed with the digest's own random seed
// (Open.patchSeed), so the agent's manifests are the digest's records as
// they come, and its Finished digest is the whole-copy digest. Nothing is
// written at the remote end; the agent's --allow rules apply as to any
// session.

import {randomBytes} from 'node:crypto'
import fs from 'node:fs'
import {BlockHasher} from '../../engine/hash.js'
import {Layout} from '../../engine/layout.js'
import {packManifest} from '../../engine/manifest.js'
import {IoError, ioError} from '../../errors.js'
import {runOptions, type RunOptions} from '../options.js'
import {planRun, type FilePair} from '../plan.js'
import {openRemote} from '../remote.js'
import {wholePlan, type DigestSummary} from './digest.js'
import {RecordWriter, type PatchObserver} from './format.js'
import {patchSession} from './patch-source.js'

/** Hash the remote copy `target` into the local file `out`. */
export async function writeRemoteDigest(target: string, out: string, blockSize: number, o: Partial<RunOptions>, observer: PatchObserver = {}): Promise<DigestSummary> {
  const began = Date.now()
  const run = planRun('push', [out, target])
  const file = run.files[0] as FilePair
  const remote = await openRemote(run, runOptions({...o, blockSize, streams: 1}))
  const seed = randomBytes(8)
  const h = new BlockHasher(seed)
  let w: RecordWriter | null = null
  let layout: Layout | null = null
  try {
    const {comparison, summary} = await patchSession(remote, file, {
      size: null, seed, blockSize, dryRun: true, ranges: null, start: 0, touched: new Map(), patch: null, strict: false, resumeFrom: 0, hooks: {},
      observer: {onPlan: r => observer.onPlan?.(r), onProgress: done => observer.onProgress?.(done, done)},
      checkDest: size => {
        w = new RecordWriter(out, {magic: 'blockpair-digest', size, blockSize, seed})
        layout = new Layout(wholePlan(size, blockSize))
      },
      onSegment: async (k, hashes) => (w as RecordWriter | null)?.add('manifest', {segment: k, ...packManifest(h, layout as Layout, k, hashes, false)}),
    })
    if (!summary.destinationExisted) throw new IoError('E_NOT_FOUND', `${target}: no such file or directory`)
    const done = w as RecordWriter | null
    await done?.end({digest: comparison.digest})
    const {size: fileBytes} = await fs.promises.stat(out)
    return {ok: true, digestFile: out, size: summary.size, blockSize, blocks: Math.ceil(summary.size / blockSize), digest: comparison.digest.toString('hex'),
      bytesRead: summary.bytesReadDest, fileBytes, durationMs: Date.now() - began}
  } catch (err) {
    await (w as RecordWriter | null)?.abort()
    throw ioError(await remote.explain(err), target)
  } finally {
    await remote.close()
  }
}
