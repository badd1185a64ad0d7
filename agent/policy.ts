// Where an agent may read and write. Paths are resolved (symlinks, `..`)
// before the check, so a link inside an allowed folder cannot lead outside.

import fs from 'node:fs/promises'
import path from 'node:path'
import {PolicyError, UsageError, ioError} from './errors.js'

export async function resolveAllowed(requested: string, allow: readonly string[]): Promise<string> {
  if (!path.isAbsolute(requested)) {
    throw new UsageError('E_PATH_RELATIVE', `remote path '${requested}' must be absolute`)
  }
  let real: string
  try {
    real = await fs.realpath(requested)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError(err, `cannot resolve ${requested}`)
    // A file to be created: its folder must exist and be allowed.
    let dir: string
    try {
      dir = await fs.realpath(path.dirname(requested))
    } catch (e) {
      throw ioError(e, `cannot resolve the folder of ${requested}`)
    }
    real = path.join(dir, path.basename(requested))
  }
  for (const a of allow) {
    let root: string
    try {
      root = await fs.realpath(a)
    } catch {
      continue
    }
    if (real === root || real.startsWith(root.endsWith('/') ? root : root + '/')) return real
  }
  throw new PolicyError('E_NOT_ALLOWED', `${requested} is outside the folders this agent may use (--allow); ask its operator to add the folder`)
}

/** Destinations being written right now, so two syncs never interleave writes to one target. */
export class TargetLocks {
  private readonly held = new Set<string>()

  acquire(real: string): () => void {
    if (this.held.has(real)) {
      throw new PolicyError('E_BUSY', `${real} is already being written by another sync; wait for it to finish`)
    }
    this.held.add(real)
    return () => this.held.delete(real)
  }
}
