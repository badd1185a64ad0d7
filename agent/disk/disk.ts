// One end of a sync on disk: a regular file or a block device, opened once.
//
// Reads skip holes (SEEK_DATA/SEEK_HOLE): a hole reads as zeros without a
// syscall for its bytes. Writes go to explicit offsets, loop on short writes,
// and a range that must become zero is punched (files) or zeroed by the
// device (BLKZEROOUT), never written as zero bytes unless nothing else works.

import fs from 'node:fs'
import type {FileHandle} from 'node:fs/promises'
import fsp, {open} from 'node:fs/promises'
import {DataMap} from './extents.js'
import {IoError, PolicyError, ioError, type BlockpairError} from '../errors.js'
import * as native from './native.js'
import {blockhash, type BlockhashAddon} from './blockhash.js'
import {mountPointOf} from './mounts.js'

/** A device the kernel would not open exclusively: mounted (unmount it; --force would write under a live file system), or held by another program. */
function deviceBusy(path: string): BlockpairError {
  const mounted = mountPointOf(path)
  if (mounted !== null) return new PolicyError('E_DEVICE_BUSY', `${path} is mounted at ${mounted}; unmount it first: writing under a mounted file system corrupts it`)
  return new PolicyError('E_DEVICE_BUSY', `${path} is in use by another program (a VM, LVM, md or another exclusive opener); stop that first, or pass --force if you are sure nothing writes to it`)
}

export interface Extent {
  offset: number
  length: number
}

/** Hash what readRange reads, in the same job: buf[from, to) of each run into `out` (see agent/disk/addon). */
export interface FusedHash {
  seed: Buffer
  out: Buffer
  runs: Array<[number, number]>
}

export interface Identity {
  size: number
  isDevice: boolean
  mtimeMs: number
  dev: number
  ino: number
  rdev: number
  /**
   * A file's change stamp, mtime and ctime in ns ("mtime:ctime"): any write
   * moves it. null for a block device, whose writes move nothing we can read.
   * Absent in job files written before it was recorded.
   */
  stamp?: string | null
}

/** A source file's metadata that a destination takes from it (issue 14, item 14). */
export interface FileMeta {
  mode: number
  uid: number
  gid: number
  mtimeNs: string
}

function metaOf(st: fs.BigIntStats): FileMeta {
  return {mode: Number(st.mode) & 0o7777, uid: Number(st.uid), gid: Number(st.gid), mtimeNs: String(st.mtimeNs)}
}

/** The metadata of the file at `file` (the one a snapshot was taken of, say); null for a device. */
export async function fileMeta(file: string): Promise<FileMeta | null> {
  const st = await fsp.stat(file, {bigint: true})
  return st.isBlockDevice() ? null : metaOf(st)
}

/**
 * How openWrite creates a missing file: with these permission bits (never
 * setuid, setgid or sticky: they come from the peer) and this owner, which
 * only root can give. Without them a new file is 0600 and ours.
 */
export interface CreateAs {
  mode?: number
  owner?: {uid: number; gid: number}
}

const ZERO_CHUNK = Buffer.alloc(1 << 20)
const ZERO_ALIGN = 4096
// O_NONBLOCK only keeps open() from waiting on a FIFO; it does not change I/O
// on regular files and block devices.
const NO_FOLLOW = fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK

function symlinkRefused(path: string): PolicyError {
  return new PolicyError('E_SYMLINK', `${path} is a symbolic link (it appeared after the path was checked); refused`)
}

export class Disk {
  private punchWorks = true
  private zeroOutWorks = true
  private dataMap: DataMap | null = null
  bytesRead = 0

  private constructor(
    readonly path: string,
    readonly handle: FileHandle,
    readonly isDevice: boolean,
    public size: number,
    readonly existed: boolean,
    readonly writable: boolean,
  ) {}

  get fd(): number {
    return this.handle.fd
  }

  /**
   * Open for reading (a sync source, or `verify`). `noFollow` (the agent, on a
   * path policy.ts has resolved) refuses a symlink in the last component and
   * never blocks on a FIFO swapped in after the check.
   */
  static async openRead(path: string, opts: {noFollow?: boolean} = {}): Promise<Disk> {
    let handle: FileHandle
    try {
      handle = await open(path, fs.constants.O_RDONLY | (opts.noFollow ? NO_FOLLOW : 0))
    } catch (err) {
      if (opts.noFollow && (err as NodeJS.ErrnoException).code === 'ELOOP') throw symlinkRefused(path)
      throw ioError(err, `cannot open ${path}`)
    }
    return Disk.fromHandle(path, handle, true, false)
  }

  /**
   * Open for writing, creating a regular file when missing. A block device is
   * opened with O_EXCL, which the kernel refuses (EBUSY) while the device is
   * mounted or held by another exclusive user; `force` skips that check.
   */
  static async openWrite(path: string, opts: {force?: boolean; noFollow?: boolean; create?: CreateAs} = {}, retry = true): Promise<Disk> {
    let st: fs.Stats | null = null
    try {
      st = await (opts.noFollow ? fs.promises.lstat(path) : fs.promises.stat(path))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError(err, `cannot open ${path}`)
    }
    if (st?.isSymbolicLink()) throw symlinkRefused(path)
    if (st && !st.isFile() && !st.isBlockDevice()) {
      throw new IoError('E_NOT_A_FILE', `${path} is neither a regular file nor a block device`)
    }
    const isDevice = st?.isBlockDevice() ?? false
    let flags = fs.constants.O_RDWR | (opts.noFollow ? NO_FOLLOW : 0)
    if (!st) flags |= fs.constants.O_CREAT | fs.constants.O_EXCL
    if (isDevice && !opts.force) flags |= fs.constants.O_EXCL
    let handle: FileHandle
    try {
      handle = await open(path, flags, 0o600)
    } catch (err) {
      if (isDevice && (err as NodeJS.ErrnoException).code === 'EBUSY') {
        throw deviceBusy(path)
      }
      if (opts.noFollow && (err as NodeJS.ErrnoException).code === 'ELOOP') throw symlinkRefused(path)
      // Created by someone else since the stat: look again, once. (Unbounded,
      // this looped forever on a dangling symlink: stat ENOENT, open EEXIST.)
      if (!st && retry && (err as NodeJS.ErrnoException).code === 'EEXIST') return Disk.openWrite(path, opts, false)
      throw ioError(err, `cannot open ${path} for writing`)
    }
    if (!st && opts.create) await createAs(handle, path, opts.create)
    return Disk.fromHandle(path, handle, st !== null, true)
  }

  private static async fromHandle(path: string, handle: FileHandle, existed: boolean, writable: boolean): Promise<Disk> {
    try {
      const st = await handle.stat()
      if (st.isDirectory()) throw Object.assign(new Error('is a directory'), {code: 'EISDIR'})
      if (!st.isFile() && !st.isBlockDevice()) {
        throw new IoError('E_NOT_A_FILE', `${path} is neither a regular file nor a block device`)
      }
      const isDevice = st.isBlockDevice()
      const size = isDevice ? native.blockDeviceSize(handle.fd) : st.size
      return new Disk(path, handle, isDevice, size, existed, writable)
    } catch (err) {
      await handle.close().catch(() => {})
      throw ioError(err, `cannot open ${path}`)
    }
  }

  async identity(): Promise<Identity> {
    const st = await this.handle.stat({bigint: true})
    return {size: this.size, isDevice: this.isDevice, mtimeMs: Number(st.mtimeMs), dev: Number(st.dev), ino: Number(st.ino), rdev: Number(st.rdev),
      stamp: this.isDevice ? null : `${st.mtimeNs}:${st.ctimeNs}`}
  }

  /** What a destination takes from this source; null for a device (a device node's mode and owner are not the data's). */
  async meta(): Promise<FileMeta | null> {
    return this.isDevice ? null : metaOf(await this.handle.stat({bigint: true}))
  }

  /** Set a file's mtime (ns, as a decimal string); the access time becomes now. */
  async setMtime(ns: string): Promise<void> {
    const seconds = Number(BigInt(ns) / 1_000_000_000n) + Number(BigInt(ns) % 1_000_000_000n) / 1e9
    try {
      await this.handle.utimes(Date.now() / 1000, seconds)
    } catch (err) {
      throw ioError(err, `set the modification time of ${this.path}`)
    }
  }

  /** The change stamp alone (see Identity.stamp). */
  async stamp(): Promise<string | null> {
    return (await this.identity()).stamp ?? null
  }

  /** The data ranges within [start, end); a device or a filesystem without SEEK_DATA is one range. */
  extents(start: number, end: number): Extent[] {
    if (this.isDevice) return [{offset: start, length: end - start}]
    this.dataMap ??= new DataMap(this.fd)
    return this.dataMap.extents(start, Math.min(end, this.size))
  }

  /**
   * Fill buf[0, length) with the bytes at [offset, offset+length). Holes and
   * anything past the end of the file read as zeros without being read.
   *
   * With `block`, only the hole parts of blocks (of that size, counted from
   * `offset`) that also hold data are zero-filled; a block wholly in a hole
   * keeps whatever the buffer held, and the caller must treat it as zero
   * without looking. Filling them cost more CPU than reading a sparse
   * image's data.
   */
  async readRange(buf: Buffer, offset: number, length: number, known?: Extent[], block?: number, hash?: FusedHash): Promise<Extent[]> {
    const extents = known ?? this.extents(offset, offset + length)
    if (hash && (!block || !blockhash)) throw new TypeError('hashing while reading needs a block size and the native addon')
    const gap = (from: number, to: number): void => {
      if (to <= from) return
      if (!block) {
        buf.fill(0, from, to)
        return
      }
      // Only the ends of the gap can share a block with data.
      const headEnd = from > 0 ? Math.min(to, Math.ceil(from / block) * block) : from
      const tailStart = to < length ? Math.max(headEnd, Math.floor(to / block) * block) : to
      if (headEnd > from) buf.fill(0, from, headEnd)
      if (to > tailStart) buf.fill(0, tailStart, to)
    }
    let at = offset
    for (const e of extents) {
      gap(at - offset, e.offset - offset)
      if (!hash) await this.readFully(buf, e.offset - offset, e.length, e.offset)
      at = e.offset + e.length
    }
    gap(at - offset, length)
    if (hash) await this.readHashed(buf, extents, offset, block as number, hash)
    return extents
  }

  /** All the extents' reads, then the hashing of `hash.runs`, in one thread-pool job. */
  private async readHashed(buf: Buffer, extents: Extent[], offset: number, block: number, hash: FusedHash): Promise<void> {
    const reads = extents.flatMap(e => [e.offset - offset, e.length, e.offset])
    try {
      await (blockhash as BlockhashAddon).readHashAsync(this.fd, buf, reads, block, hash.seed, hash.out, hash.runs.flat())
    } catch (err) {
      const e = err as NativeError
      const where = extents[e.index ?? 0]?.offset ?? offset
      if (e.eof) {
        throw new IoError('E_SHORT_READ', `${this.path} ended before ${where + (extents[e.index ?? 0]?.length ?? 0)}, within its size of ${this.size} bytes: did it shrink during the sync?`)
      }
      throw nativeIoError(e, `read ${this.path} at offset ${where}`)
    }
    for (const e of extents) this.bytesRead += e.length
  }

  private async readFully(buf: Buffer, bufAt: number, length: number, position: number): Promise<void> {
    let done = 0
    while (done < length) {
      let n: number
      try {
        ;({bytesRead: n} = await this.handle.read(buf, bufAt + done, length - done, position + done))
      } catch (err) {
        throw ioError(err, `read ${this.path} at offset ${position + done}`)
      }
      if (n === 0) {
        throw new IoError('E_SHORT_READ', `${this.path} ended at ${position + done}, before its size of ${this.size} bytes: did it shrink during the sync?`)
      }
      done += n
      this.bytesRead += n
    }
  }

  async write(buf: Buffer, offset: number): Promise<void> {
    let done = 0
    while (done < buf.length) {
      let n: number
      try {
        ;({bytesWritten: n} = await this.handle.write(buf, done, buf.length - done, offset + done))
      } catch (err) {
        throw ioError(err, `write ${this.path} at offset ${offset + done}`)
      }
      if (n === 0) throw new IoError('E_SHORT_WRITE', `write ${this.path} at offset ${offset + done} made no progress`)
      done += n
    }
  }

  /**
   * Write each buffer at its offset, all in one thread-pool job when the
   * addon is there (see agent/disk/addon/writebatch.c): scattered small writes
   * cost far more to hand to the pool than to do.
   */
  async writeBatch(buffers: Buffer[], offsets: number[]): Promise<void> {
    if (!blockhash) {
      for (let i = 0; i < buffers.length; i++) await this.write(buffers[i] as Buffer, offsets[i] as number)
      return
    }
    try {
      await blockhash.writeBatchAsync(this.fd, buffers, offsets)
    } catch (err) {
      const e = err as NativeError
      throw nativeIoError(e, `write ${this.path} at offset ${offsets[e.index ?? 0]}`)
    }
  }

  /** Make [offset, offset+length) read as zeros, allocating nothing where possible. */
  async zero(offset: number, length: number): Promise<void> {
    if (!this.isDevice && this.punchWorks) {
      try {
        native.punchHole(this.fd, offset, length)
        return
      } catch (err) {
        if (!isUnsupported(err)) throw ioError(err, `punch a hole in ${this.path} at ${offset}`)
        this.punchWorks = false
      }
    }
    if (this.isDevice && this.zeroOutWorks) {
      // BLKZEROOUT takes whole logical sectors: zero the 4 KiB-aligned middle
      // (aligned for any sector size) and write the odd edges, such as the
      // tail of a source whose size is not a multiple of 4 KiB.
      const end = offset + length
      const from = Math.min(end, Math.ceil(offset / ZERO_ALIGN) * ZERO_ALIGN)
      const to = Math.max(from, Math.floor(end / ZERO_ALIGN) * ZERO_ALIGN)
      if (to > from) {
        let done = false
        try {
          native.blkZeroOut(this.fd, from, to - from)
          done = true
        } catch (err) {
          // EBUSY: the kernel could not drop cached pages that another holder
          // (a mounted filesystem: we got here with --force) still uses; write.
          if (!isUnsupported(err) && (err as NodeJS.ErrnoException)?.code !== 'EBUSY') throw ioError(err, `zero ${this.path} at ${offset}`)
          this.zeroOutWorks = false
        }
        if (done) {
          await this.writeZeros(offset, from - offset)
          await this.writeZeros(to, end - to)
          return
        }
      }
    }
    await this.writeZeros(offset, length)
  }

  private async writeZeros(offset: number, length: number): Promise<void> {
    for (let at = 0; at < length; at += ZERO_CHUNK.length) {
      await this.write(ZERO_CHUNK.subarray(0, Math.min(ZERO_CHUNK.length, length - at)), offset + at)
    }
  }

  /** Make the destination `size` bytes long; a device must already be at least that big. */
  async resize(size: number): Promise<void> {
    if (this.isDevice) {
      if (this.size < size) {
        throw deviceTooSmall(this.path, this.size, size)
      }
      return
    }
    if (this.size === size) return
    try {
      await this.handle.truncate(size)
    } catch (err) {
      throw ioError(err, `resize ${this.path} to ${size} bytes`)
    }
    this.dataMap?.forget()
    this.size = size
  }

  async sync(): Promise<void> {
    try {
      await this.handle.datasync()
    } catch (err) {
      throw ioError(err, `flush ${this.path} to disk`)
    }
  }

  async close(): Promise<void> {
    await this.handle.close().catch(() => {})
  }

  /**
   * Close, and remove the file if this open created it: a destination whose
   * sync never started must not stay behind as a new empty file. It is removed
   * only while the path still names the file we created (same inode).
   */
  async discardIfCreated(): Promise<void> {
    const st = this.writable && !this.existed && !this.isDevice ? await this.handle.stat().catch(() => null) : null
    await this.close()
    if (!st) return
    const now = await fs.promises.lstat(this.path).catch(() => null)
    if (now && now.ino === st.ino && now.dev === st.dev) await fs.promises.unlink(this.path).catch(() => {})
  }
}

/** A new file's mode and owner (see CreateAs); the umask does not apply to an explicit fchmod. */
async function createAs(handle: FileHandle, path: string, c: CreateAs): Promise<void> {
  try {
    if (c.mode !== undefined) await handle.chmod(c.mode & 0o777)
    if (c.owner && process.getuid?.() === 0) await handle.chown(c.owner.uid, c.owner.gid)
  } catch (err) {
    await handle.close().catch(() => {})
    throw ioError(err, `set the mode or owner of the new file ${path}`)
  }
}

/** A block device cannot grow: a destination device smaller than the source is refused, never filled in part. */
export function deviceTooSmall(device: string, holds: number, needs: number): IoError {
  return new IoError('E_DEVICE_TOO_SMALL', `${device} holds ${holds} bytes but the source has ${needs}; use a device at least as big as the source`)
}

/** What the addon's batch calls reject with: errno (positive), the item that failed, end of file. */
type NativeError = Error & {errno?: number; index?: number; eof?: boolean; code?: string}

/** The addon's errno as the code ioError maps (ENOSPC → E_NO_SPACE, ...). */
function nativeIoError(e: NativeError, what: string): BlockpairError {
  e.code = native.errnoName(e.errno ?? 0) ?? 'EIO'
  return ioError(e, what)
}

function isUnsupported(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code
  return code === 'EOPNOTSUPP' || code === 'ENOTSUP' || code === 'ENOSYS' || code === 'EINVAL' || code === 'ENOTTY'
}
