// A loop-mounted XFS with reflink for the change-tracking case: a sparse image file
// (a DataDef of the case, so that the data set counts its disk), attached to a loop
// device, made with `mkfs.xfs -m reflink=1` and mounted in a folder beside it, inside
// the bench's data folder (which the agent's --allow already covers). The teardown
// unmounts and detaches whatever happened before it.

import {existsSync, mkdirSync, rmSync} from 'node:fs'
import {must, run} from './proc.js'

export interface Mounted {
  dir: string
  teardown(): Promise<void>
}

/** Why an XFS cannot be mounted here, or undefined. */
export async function xfsMissing(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'not root: loop devices and mount need root'
  for (const bin of ['mkfs.xfs', 'losetup']) {
    const r = await run(['sh', '-c', `command -v ${bin}`])
    if (r.code !== 0) return `${bin} is not installed (apt-get install -y ${bin === 'losetup' ? 'util-linux' : 'xfsprogs'})`
  }
  return undefined
}

/** Attach `image`, make an XFS with reflink on it and mount it on `dir`. */
export async function mountXfs(image: string, dir: string): Promise<Mounted> {
  const dev = (await must(['losetup', '--find', '--show', image])).stdout.trim()
  let mounted = false
  const teardown = async () => {
    if (mounted && (await run(['umount', dir])).code !== 0) await run(['umount', '-l', dir])
    mounted = false
    await run(['losetup', '-d', dev])
    if (existsSync(dir)) rmSync(dir, {recursive: true, force: true})
  }
  try {
    await must(['mkfs.xfs', '-q', '-f', '-m', 'reflink=1', dev])
    mkdirSync(dir, {recursive: true})
    await must(['mount', dev, dir])
    mounted = true
  } catch (e) {
    await teardown()
    throw e
  }
  return {dir, teardown}
}
