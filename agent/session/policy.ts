// Where an agent may read and write.
//
// - Regular files inside an --allow folder (created there, too).
// - Block devices named exactly with --allow-device, and nothing else that is a
//   block device: an --allow folder that happens to be /dev (or holds a device
//   node) gives no access to the disks in it.
// - Nothing else: no directories, character devices, FIFOs or sockets.
//
// Paths are resolved (symlinks, `..`) before the check, so a link inside an
// allowed folder cannot lead outside, and the resolved path is what gets
// opened, with O_NOFOLLOW (Disk.openRead/openWrite `noFollow`). A link swapped
// in after the check is refused by the open; a folder swapped for a link
// between check and open is caught by checkOpened, which asks the kernel
// (/proc/self/fd) which file was actually opened.

import fs from 'node:fs/promises'
import path from 'node:path'
import type {Disk} from '../disk/disk.js'
import {IoError, PolicyError, UsageError, ioError} from '../errors.js'
import {Deferred} from '../engine/plan.js'

/** Longest path we resolve (Linux PATH_MAX). */
const MAX_PATH = 4096

/**
 * rsync's habit (issue 14, item 12): a destination that is an existing folder,
 * named without a trailing '/', receives the source under the source's own
 * name, which must be a plain file name. The joined path is checked like any other.
 */
function inFolder(requested: string, name: string): string {
  if (name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
    throw new PolicyError('E_NOT_ALLOWED', `'${name.slice(0, 256)}' is not a plain file name; refused`)
  }
  return `${requested.replace(/\/+$/, '')}/${name}`
}

/** The path a destination is known by: inside `requested` when that is a folder (rsync's rule), else `requested`. */
export async function namedPath(requested: string, folderName: string): Promise<string> {
  if (!folderName) return requested
  const st = await fs.stat(requested).catch(() => null)
  return st?.isDirectory() ? inFolder(requested, folderName) : requested
}

/** `folderName`: for a destination, the source's name, taken when `requested` is a folder (inFolder). */
export async function resolveAllowed(requested: string, allow: readonly string[], devices: readonly string[] = [], folderName = ''): Promise<string> {
  if (typeof requested !== 'string' || !path.isAbsolute(requested)) {
    throw new UsageError('E_PATH_RELATIVE', `remote path '${String(requested).slice(0, 200)}' must be absolute`)
  }
  if (requested.length > MAX_PATH || requested.includes('\0')) {
    throw new UsageError('E_PATH_INVALID', 'the remote path is too long or holds a NUL byte')
  }
  let real: string
  let st: import('node:fs').Stats | null = null
  try {
    real = await fs.realpath(requested)
    st = await fs.stat(real)
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
    // realpath said ENOENT, yet something is there: a link to a missing file.
    // Creating "through" it would create its target, wherever that is. (Or
    // the file was created meanwhile: then `real` is its real path.)
    const there = await fs.lstat(real).catch(() => null)
    if (there?.isSymbolicLink()) throw new PolicyError('E_SYMLINK', `${requested} is a symbolic link to a missing file; the agent does not create files through links`)
    st = there
  }

  if (st?.isBlockDevice()) {
    for (const d of devices) {
      if (await fs.realpath(d).catch(() => null) === real) return real
    }
    if (!inside(real, await roots(allow))) throw notAllowed(requested)
    throw new PolicyError('E_DEVICE_NOT_ALLOWED', `${requested} is a block device; the agent opens a block device only when it is named with --allow-device`)
  }
  if (!inside(real, await roots(allow))) throw notAllowed(requested)
  if (st?.isDirectory() && folderName) return resolveAllowed(inFolder(requested, folderName), allow, devices)
  if (st?.isDirectory()) throw new IoError('E_IS_DIR', `${requested} is a directory; give a file or block device path`)
  if (st && !st.isFile()) throw new IoError('E_NOT_A_FILE', `${requested} is neither a regular file nor a block device`)
  return real
}

async function roots(allow: readonly string[]): Promise<string[]> {
  const out: string[] = []
  for (const a of allow) {
    const root = await fs.realpath(a).catch(() => null)
    if (root) out.push(root)
  }
  return out
}

function inside(real: string, roots: readonly string[]): boolean {
  return roots.some(root => real === root || real.startsWith(root.endsWith('/') ? root : root + '/'))
}

function notAllowed(requested: string): PolicyError {
  return new PolicyError('E_NOT_ALLOWED', `${requested.slice(0, 1024)} is outside the folders this agent may use (--allow); ask its operator to add the folder`)
}

/**
 * After the open: is the file we hold the one the check approved? A folder on
 * the way may have been swapped for a link between resolveAllowed and the
 * open (O_NOFOLLOW guards only the last component). Also refuses to write a
 * regular file with other hard links, since writing it would change a file
 * elsewhere, possibly outside every allowed folder.
 *
 * On refusal a file this open created is removed again.
 */
export async function checkOpened(disk: Disk, real: string, opts: {devices: readonly string[]; write: boolean}): Promise<void> {
  const st = await disk.handle.stat()
  let where: string | null = null
  try {
    where = await fs.readlink(`/proc/self/fd/${disk.fd}`)
  } catch {
    // No /proc (not Linux, or hidden): the O_NOFOLLOW open is all we have.
  }
  let refusal: PolicyError | null = null
  if (where !== null && where !== real) {
    refusal = new PolicyError('E_PATH_CHANGED', `${real} changed while it was being opened (a folder on its path was replaced); refused`)
  } else if (st.isBlockDevice() && !(await Promise.all(opts.devices.map(d => fs.realpath(d).catch(() => null)))).includes(real)) {
    refusal = new PolicyError('E_DEVICE_NOT_ALLOWED', `${real} became a block device while it was being opened; refused`)
  } else if (opts.write && st.isFile() && st.nlink > 1) {
    refusal = new PolicyError('E_HARDLINK', `${real} has ${st.nlink} hard links; writing it would change the other names too, so the agent refuses (copy it to a file of its own first)`)
  }
  if (!refusal) return
  if (!disk.existed && where !== null) {
    // Remove what we created, by the name the kernel gives it, if that still is our file.
    const there = await fs.lstat(where).catch(() => null)
    if (there && there.ino === st.ino && there.dev === st.dev) await fs.unlink(where).catch(() => {})
  }
  throw refusal
}

/** Who may write a target: TargetLocks in one process, or a proxy to the one that holds them (agent/session/workers.ts). */
export interface Locks {
  /** The release function, or E_BUSY (PolicyError) when another writer holds the target. */
  acquire(real: string, job?: string | null): (() => void) | Promise<() => void>
}

/** Destinations being written right now, so two syncs never interleave writes to one target. */
export class TargetLocks implements Locks {
  private readonly held = new Map<string, {job: string | null; count: number; freed: Deferred<void>}>()

  /**
   * `laterRunWaitMs`: how long a later run of a job waits for the earlier
   * one. A session cut off by a lost cable may never hear of it (no frame
   * comes, and it sends none), so past this the later run writes beside it,
   * as it would have without the wait: the earlier one is silent, not writing.
   */
  constructor(private readonly laterRunWaitMs = 15_000) {}

  /**
   * One writer per target; the sessions of one run of a job (its streams)
   * count as one writer. Another run of the same job (a resume, which names
   * it `JOB#RUN`) waits for the earlier run's sessions to end: one
   * cut off by a lost connection may still be finishing its writes and
   * recording the file's state, and the resume must find both done.
   */
  acquire(real: string, job: string | null = null): (() => void) | Promise<() => void> {
    const h = this.held.get(real)
    if (h && job !== null && h.job !== null && h.job !== job && jobOf(h.job) === jobOf(job)) {
      let timer: NodeJS.Timeout | undefined
      const late = new Promise<'late'>(resolve => { timer = setTimeout(() => resolve('late'), this.laterRunWaitMs) })
      return Promise.race([h.freed.promise.then(() => 'freed' as const), late]).then(r => {
        clearTimeout(timer)
        return r === 'late' && this.held.get(real) === h ? this.join(real, h) : this.acquire(real, job)
      })
    }
    if (h && (job === null || h.job !== job)) {
      throw new PolicyError('E_BUSY', `${real} is already being written by another sync; wait for it to finish`)
    }
    return this.join(real, h ?? {job, count: 0, freed: new Deferred<void>()})
  }

  private join(real: string, entry: {job: string | null; count: number; freed: Deferred<void>}): () => void {
    entry.count++
    this.held.set(real, entry)
    let released = false
    return () => {
      if (released) return
      released = true
      if (--entry.count > 0) return
      this.held.delete(real)
      entry.freed.resolve()
    }
  }
}

/** A job's id in an Open's job field (`JOB#RUN`, or a bare JOB from an older client). */
function jobOf(job: string): string {
  const at = job.indexOf('#')
  return at < 0 ? job : job.slice(0, at)
}
