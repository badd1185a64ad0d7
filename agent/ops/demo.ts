// `blockpair demo`: a real sync between two agents on this machine, for a
// newcomer's first command. It makes a sparse sample image, starts an agent
// on 127.0.0.1 with a fresh key, pushes the image (a first, full copy), then
// changes 1% of its data and pushes again (an incremental sync).

import {randomBytes, randomInt} from 'node:crypto'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {syncWithAgent} from '../session/client.js'
import {DEFAULT_BLOCK, FINE} from '../engine/engine.js'
import {IoError} from '../errors.js'
import {KeyRing, newKey} from '../wire/keys.js'
import {startAgent} from '../session/server.js'
import type {Summary} from '../session/session.js'

export interface DemoResult {
  folder: string
  first: Summary
  second: Summary
  changedBytes: number
  identical: boolean
}

const MiB = 1 << 20

export async function runDemo(opts: {sizeMiB?: number; keep?: boolean; say?: (line: string) => void} = {}): Promise<DemoResult> {
  const say = opts.say ?? (() => {})
  const size = (opts.sizeMiB ?? 256) * MiB
  const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'blockpair-demo-'))
  const hostA = path.join(folder, 'host-a')
  const hostB = path.join(folder, 'host-b')
  await fs.mkdir(hostA)
  await fs.mkdir(hostB)
  const src = path.join(hostA, 'vm.img')
  const dst = path.join(hostB, 'vm.img')
  const key = newKey('demo')
  const keys = new KeyRing([key])
  const agent = await startAgent({host: '127.0.0.1', port: 0, keys, allow: [hostB]})
  try {
    // A VM image is mostly holes: 1 MiB of data in every 8.
    const fh = await fs.open(src, 'w')
    const extents: number[] = []
    try {
      await fh.truncate(size)
      for (let at = 0; at < size; at += 8 * MiB) {
        await fh.write(randomBytes(MiB), 0, MiB, at)
        extents.push(at)
      }
    } finally {
      await fh.close()
    }
    say(`made ${src}: ${size / MiB} MiB image holding ${extents.length} MiB of data`)
    say(`started an agent on ${agent.address.host}:${agent.address.port} (TLS 1.3, pre-shared key '${key.identity}'), allowed to write in ${hostB}`)
    const to = {host: agent.address.host, port: agent.address.port}
    const push = (): Promise<Summary> => syncWithAgent(to, keys, undefined, {direction: 'push', localPath: src, remotePath: dst, blockSize: DEFAULT_BLOCK})

    const first = await push()
    say(`first sync (new destination): sent ${mb(first.bytesSent)} MiB, read ${mb(first.bytesReadSource)} MiB at the source, ${first.durationMs} ms`)

    // Change 1% of the data's 4 KiB blocks, as a running guest would.
    const dataBlocks = (extents.length * MiB) / FINE
    const changes = Math.max(1, Math.round(dataBlocks / 100))
    const wh = await fs.open(src, 'r+')
    try {
      for (let i = 0; i < changes; i++) {
        const at = (extents[randomInt(extents.length)] as number) + randomInt(MiB / FINE) * FINE
        await wh.write(randomBytes(FINE), 0, FINE, at)
      }
    } finally {
      await wh.close()
    }
    say(`changed ${changes} random 4 KiB blocks of the source`)
    const second = await push()
    say(`incremental sync: ${second.blocksChanged} of ${second.blocks} blocks differed, sent ${mb(second.bytesSent)} MiB, read ${mb(second.bytesReadSource)} MiB at each end, ${second.durationMs} ms`)

    const identical = await sameContent(src, dst)
    if (!identical) throw new IoError('E_DEMO_MISMATCH', `${src} and ${dst} differ after the sync`)
    const st = await fs.stat(dst)
    say(`${dst} is identical to the source and stays sparse: ${mb(st.blocks * 512)} MiB allocated of ${size / MiB} MiB`)
    return {folder, first, second, changedBytes: changes * FINE, identical}
  } finally {
    await agent.close()
    if (!opts.keep) await fs.rm(folder, {recursive: true, force: true})
  }
}

function mb(n: number): string {
  return (n / MiB).toFixed(2)
}

async function sameContent(a: string, b: string): Promise<boolean> {
  const [fa, fb] = await Promise.all([fs.open(a), fs.open(b)])
  try {
    const ba = Buffer.alloc(4 * MiB)
    const bb = Buffer.alloc(4 * MiB)
    for (let at = 0; ; at += ba.length) {
      const [ra, rb] = await Promise.all([fa.read(ba, 0, ba.length, at), fb.read(bb, 0, bb.length, at)])
      if (ra.bytesRead !== rb.bytesRead) return false
      if (ra.bytesRead === 0) return true
      if (!ba.subarray(0, ra.bytesRead).equals(bb.subarray(0, rb.bytesRead))) return false
    }
  } finally {
    await Promise.all([fa.close(), fb.close()])
  }
}
