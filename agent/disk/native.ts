// Linux syscalls Node does not expose. lseek, fallocate and fadvise, made on every
// sync, come from the project's addon when it was built (agent/disk/addon/syscalls.c);
// they and the rest (ioctl, strerror) come from koffi (a prebuilt FFI, so no compiler
// is needed at install time), loaded on first use: loading it costs ~10 ms of CPU,
// as much as a whole small push (issue 19). Everything here is optional: when
// neither can be loaded (other OS, musl, unsupported arch) the module still imports,
// `nativeAvailable` is false and every call throws an Error with code ENOSYS, which
// callers treat as "fall back to plain reads and writes".
//
// All calls are synchronous and run on the event-loop thread. lseek and
// fadvise return in microseconds; fallocate, BLKZEROOUT and BLKDISCARD can
// take time proportional to the range, so callers should bound each call
// (tens of MiB) to keep the process responsive.

import {readFileSync, fstatSync} from 'node:fs'
import {createRequire} from 'node:module'
import {constants} from 'node:os'
import {blockhash} from './blockhash.js'

type Koffi = typeof import('koffi')

/**
 * Shaped like Node's system errors so ioError() and `code` checks work, except
 * that `errno` is the positive C value (Node's own are negated libuv codes).
 */
export interface NativeError extends Error {
  code: string
  errno: number
  syscall: string
}

const SEEK_DATA = 3
const SEEK_HOLE = 4
const FALLOC_FL_KEEP_SIZE = 0x01
const FALLOC_FL_PUNCH_HOLE = 0x02
// _IOR(0x12, 114, u64): the "read" direction bit sits at bit 30 on most
// architectures but at bit 29 on powerpc and mips, so the number differs there.
const IOC_READ = ['ppc', 'ppc64', 'mips', 'mipsel'].includes(process.arch) ? 0x40000000 : 0x80000000
const BLKGETSIZE64 = (IOC_READ | (8 << 16) | (0x12 << 8) | 114) >>> 0
const BLKDISCARD = 0x1277 // _IO(0x12, 119): no size/direction bits, same everywhere
const BLKZEROOUT = 0x127f // _IO(0x12, 127)
// _IOW(0x94, 9, int) and _IOWR('f', 11, struct fiemap): the "write" bit sits
// at bit 30 where "read" sits at bit 31, except on the same few ABIs.
const IOC_WRITE = IOC_READ === 0x80000000 ? 0x40000000 : 0x80000000
const FICLONE = (IOC_WRITE | (4 << 16) | (0x94 << 8) | 9) >>> 0
const FS_IOC_FIEMAP = (IOC_READ | IOC_WRITE | (32 << 16) | (0x66 << 8) | 11) >>> 0
const FIEMAP_FLAG_SYNC = 1
const FIEMAP_EXTENT_LAST = 1
// struct fiemap is read little-endian: every ABI Node ships prebuilt koffi for but s390x.
const FIEMAP_HEADER = 32
const FIEMAP_EXTENT = 56
// 8,192 extents (448 KiB) a call: a fragmented 4 GiB image maps in ~12 calls, not ~100.
const FIEMAP_BATCH = 8192
// s390x is the one Linux ABI where DONTNEED/NOREUSE are 6/7 instead of 4/5.
const FADVISE = {
  normal: 0,
  sequential: 2,
  willneed: 3,
  dontneed: process.arch === 's390x' ? 6 : 4,
} as const
export type FadviseAdvice = keyof typeof FADVISE

// errno number -> name, the one map for koffi's calls and the addon's (disk.ts).
// Several names share a number on Linux; pick the one callers test for
// (EOPNOTSUPP rather than ENOTSUP, EAGAIN not EWOULDBLOCK).
const errnoNames = new Map<number, string>()
for (const name of ['EOPNOTSUPP', 'EAGAIN', 'EDEADLK']) {
  const n = (constants.errno as Record<string, number>)[name]
  if (n !== undefined) errnoNames.set(n, name)
}
for (const [name, n] of Object.entries(constants.errno)) if (!errnoNames.has(n)) errnoNames.set(n, name)

/** The name of a positive C errno (`EAGAIN` for 11), as Node's own errors carry it in `code`. */
export function errnoName(errno: number): string | undefined {
  return errnoNames.get(errno)
}

type Fn = (...args: unknown[]) => unknown
interface Libc {
  koffi: Koffi
  lseek: Fn
  fallocate: Fn
  fadvise: Fn
  ioctl: Fn
  strerror: Fn
}

/** The calls of every sync, each returning its result or -errno (syscalls.c's convention). */
interface Syscalls {
  lseek(fd: number, offset: number, whence: number): number
  fallocate(fd: number, mode: number, offset: number, length: number): number
  fadvise(fd: number, offset: number, length: number, advice: number): number
}

function loadLibc(): Libc | null {
  if (process.platform !== 'linux') return null
  try {
    // require, not a static import: a missing or broken prebuilt binary must
    // not make the whole agent unimportable.
    const koffi = createRequire(import.meta.url)('koffi') as Koffi
    const lib = koffi.load('libc.so.6')
    // The explicit *64 symbols take a 64-bit off_t even on 32-bit ABIs, where
    // plain lseek/fallocate would silently truncate offsets past 2 GiB.
    return {
      koffi,
      lseek: lib.func('int64_t lseek64(int fd, int64_t offset, int whence)'),
      fallocate: lib.func('int fallocate64(int fd, int mode, int64_t offset, int64_t len)'),
      fadvise: lib.func('int posix_fadvise64(int fd, int64_t offset, int64_t len, int advice)'),
      ioctl: lib.func('int ioctl(int fd, unsigned long request, ...)'),
      strerror: lib.func('const char *strerror(int errnum)'),
    }
  } catch {
    return null
  }
}

let loaded: Libc | null | undefined
/** koffi's libc, loaded on first use; null where it cannot be. */
function libc(): Libc | null {
  if (loaded === undefined) loaded = loadLibc()
  return loaded
}

// koffi.errno() reads the thread's live errno (koffi only saves it for async
// calls), so read it straight after the failed call, before anything else
// that might touch libc on this thread.
function lastErrno(l: Libc): number {
  return l.koffi.errno()
}

/** The addon's calls where it has them (Linux), else koffi's under the same convention. */
function loadSyscalls(): Syscalls | null {
  const addon = blockhash as (typeof blockhash & Partial<Syscalls>) | null
  if (addon?.lseek && addon.fallocate && addon.fadvise) return addon as Syscalls
  const l = libc()
  if (!l) return null
  const orErrno = (r: number): number => r < 0 ? -lastErrno(l) : r
  return {
    lseek: (fd, offset, whence) => orErrno(toOffset(l.lseek(fd, offset, whence))),
    fallocate: (fd, mode, offset, length) => orErrno(l.fallocate(fd, mode, offset, length) as number),
    // posix_fadvise returns the error number itself and leaves errno alone.
    fadvise: (fd, offset, length, advice) => -(l.fadvise(fd, offset, length, advice) as number),
  }
}

const syscalls = process.platform === 'linux' ? loadSyscalls() : null

/** True when the syscalls below are really available (Linux, with the addon or with glibc and koffi). */
export const nativeAvailable: boolean = syscalls !== null

function sysError(syscall: string, errno: number, what: string): NativeError {
  const code = errnoName(errno) ?? `E${errno}`
  const l = nativeAvailable ? libc() : null
  const text = l ? String(l.strerror(errno)) : errno === constants.errno.ENOSYS ? 'not supported on this platform' : code
  return Object.assign(new Error(`${syscall} ${what}: ${text} (${code})`), {code, errno, syscall})
}

function need(syscall: string): Syscalls {
  if (!syscalls) throw sysError(syscall, constants.errno.ENOSYS, 'unavailable')
  return syscalls
}

/** koffi's libc for the rarer calls (ioctl). */
function needLibc(syscall: string): Libc {
  const l = libc()
  if (!l) throw sysError(syscall, constants.errno.ENOSYS, 'unavailable')
  return l
}

function checkRange(syscall: string, offset: number, length = 0): void {
  // koffi converts JS numbers to int64 without complaint; a fraction or NaN
  // would reach the kernel as some other offset, so refuse it here.
  if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0) {
    throw Object.assign(new RangeError(`${syscall}: bad offset/length ${offset}/${length}`), {code: 'ERR_OUT_OF_RANGE'})
  }
}

// koffi returns int64 as a number when it is a safe integer and as a BigInt
// beyond 2^53. No real file offset gets there, but say so instead of rounding.
function toOffset(v: unknown): number {
  const n = Number(v)
  if (!Number.isSafeInteger(n)) throw new RangeError(`offset ${String(v)} exceeds 2^53`)
  return n
}

function lseek(syscall: string, fd: number, offset: number, whence: number): number | null {
  const l = need(syscall)
  checkRange(syscall, offset)
  const r = l.lseek(fd, offset, whence)
  if (r >= 0) return r
  const errno = -r
  if (errno === constants.errno.ENXIO) return null
  throw sysError(syscall, errno, `at ${offset}`)
}

/**
 * First offset >= `offset` holding data, or null when only holes (or EOF)
 * follow. Granularity is the filesystem block: data starts are rounded down.
 * Throws EINVAL/EOPNOTSUPP/ENOSYS when the file or platform cannot tell.
 */
export function seekData(fd: number, offset: number): number | null {
  return lseek('lseek(SEEK_DATA)', fd, offset, SEEK_DATA)
}

/**
 * First offset >= `offset` inside a hole; EOF counts as a hole, so a file
 * without holes returns its size. Throws ENXIO when `offset` >= size.
 */
export function seekHole(fd: number, offset: number): number {
  const r = lseek('lseek(SEEK_HOLE)', fd, offset, SEEK_HOLE)
  if (r === null) throw sysError('lseek(SEEK_HOLE)', constants.errno.ENXIO, `at ${offset}`)
  return r
}

/**
 * Deallocate [offset, offset+length) without changing the file size; the range
 * then reads as zeros (partial blocks at the edges are zeroed in place).
 * Throws with code EOPNOTSUPP (filesystem cannot), ENOSPC, EBADF, ... so the
 * caller can fall back to writing zeros.
 */
export function punchHole(fd: number, offset: number, length: number): void {
  const l = need('fallocate')
  checkRange('fallocate', offset, length)
  if (length === 0) return // the kernel answers EINVAL for len 0; nothing to do anyway
  const r = l.fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, length)
  if (r !== 0) {
    throw sysError('fallocate(PUNCH_HOLE)', -r, `at ${offset}+${length}`)
  }
}

function ioctl(name: string, fd: number, request: number, arg: BigUint64Array): void {
  const l = needLibc('ioctl')
  // ioctl is variadic; koffi wants the C type of each extra argument.
  if (l.ioctl(fd, request, 'void *', arg) !== 0) throw sysError(`ioctl(${name})`, lastErrno(l), `on fd ${fd}`)
}

/**
 * Make the file open on `destFd` a reflink clone of the one on `srcFd`: it
 * shares every extent, takes no space and no data is read (XFS reflink=1,
 * btrfs). EOPNOTSUPP/EINVAL/ENOTTY/EXDEV when the file system cannot.
 * The kernel first writes the source's dirty pages back, seconds for a busy
 * image: with the addon that wait is on the thread pool, not the event loop.
 */
export async function ficlone(destFd: number, srcFd: number): Promise<void> {
  const addon = blockhash as (typeof blockhash & {ficlone?: (dest: number, src: number) => Promise<number>}) | null
  if (addon?.ficlone) {
    const r = await addon.ficlone(destFd, srcFd)
    if (r < 0) throw sysError('ioctl(FICLONE)', -r, `from fd ${srcFd}`)
    return
  }
  const l = needLibc('ioctl')
  if (l.ioctl(destFd, FICLONE, 'int', srcFd) !== 0) throw sysError('ioctl(FICLONE)', lastErrno(l), `from fd ${srcFd}`)
}

/** One extent of a file as FIEMAP maps it: logical offset, physical address, length, FIEMAP_EXTENT_* flags. */
export interface MappedExtent {
  logical: number
  physical: number
  length: number
  flags: number
}

/**
 * The extent map of the file open on `fd` (FS_IOC_FIEMAP, with
 * FIEMAP_FLAG_SYNC so delayed allocations are placed first), ascending, one
 * extent at a time. It is read a batch at a time into one buffer and never
 * held whole: copy on write after reflink snapshots cuts a dense image into
 * one extent per rewritten block (a 4 GiB image after a few rounds of 1%
 * random rewrites: ~100k extents, which as a list of objects took ~25 MiB of
 * the push's heap; a TB image can hold tens of millions). EOPNOTSUPP on file
 * systems that have none.
 */
export function* fiemap(fd: number, batch = FIEMAP_BATCH): Generator<MappedExtent, void, undefined> {
  const l = needLibc('ioctl')
  const buf = Buffer.alloc(FIEMAP_HEADER + batch * FIEMAP_EXTENT)
  let start = 0
  for (;;) {
    buf.fill(0, 0, FIEMAP_HEADER)
    buf.writeBigUInt64LE(BigInt(start), 0)
    buf.writeBigUInt64LE(0xffffffffffffffffn - BigInt(start), 8)
    buf.writeUInt32LE(FIEMAP_FLAG_SYNC, 16)
    buf.writeUInt32LE(batch, 24)
    if (l.ioctl(fd, FS_IOC_FIEMAP, 'void *', buf) !== 0) throw sysError('ioctl(FIEMAP)', lastErrno(l), `on fd ${fd}`)
    const mapped = buf.readUInt32LE(20)
    let last = mapped === 0
    for (let i = 0; i < mapped; i++) {
      const at = FIEMAP_HEADER + i * FIEMAP_EXTENT
      const e = {logical: u64(buf, at), physical: u64(buf, at + 8), length: u64(buf, at + 16), flags: buf.readUInt32LE(at + 40)}
      last = (e.flags & FIEMAP_EXTENT_LAST) !== 0
      start = e.logical + e.length
      yield e
    }
    if (last) return
  }
}

/** A little-endian u64 as a number, without a BigInt per read (~3x faster over a large map). */
function u64(buf: Buffer, at: number): number {
  const hi = buf.readUInt32LE(at + 4)
  if (hi >= 0x200000) throw new RangeError(`offset ${buf.readBigUInt64LE(at)} exceeds 2^53`)
  return hi * 0x100000000 + buf.readUInt32LE(at)
}

/** Size in bytes of the block device open on `fd` (ENOTTY for a regular file). */
export function blockDeviceSize(fd: number): number {
  const out = new BigUint64Array(1) // native-endian, as the kernel writes it
  ioctl('BLKGETSIZE64', fd, BLKGETSIZE64, out)
  return toOffset(out[0])
}

function rangeIoctl(name: string, request: number, fd: number, offset: number, length: number): void {
  checkRange(`ioctl(${name})`, offset, length)
  if (length === 0) return
  ioctl(name, fd, request, new BigUint64Array([BigInt(offset), BigInt(length)]))
}

/**
 * Make [offset, offset+length) of a block device read as zeros. The kernel
 * uses WRITE ZEROES / unmap where the device has it and writes zero pages
 * otherwise, and drops the page cache for the range. Offset and length must be
 * multiples of the logical sector size (EINVAL otherwise).
 */
export function blkZeroOut(fd: number, offset: number, length: number): void {
  rangeIoctl('BLKZEROOUT', BLKZEROOUT, fd, offset, length)
}

/**
 * Tell a block device that [offset, offset+length) is unused. What the range
 * reads back as afterwards is device-defined (see discardZeroesData), so use
 * this only to free space, never to write zeros. EOPNOTSUPP when the device
 * has no discard.
 */
export function blkDiscard(fd: number, offset: number, length: number): void {
  rangeIoctl('BLKDISCARD', BLKDISCARD, fd, offset, length)
}

/**
 * Whether the kernel guarantees that discarded ranges of this block device
 * read back as zeros. Reads sysfs queue/discard_zeroes_data; since Linux 4.12
 * that file always says 0 (the guarantee was dropped as unreliable), so on
 * any modern kernel this is false and BLKZEROOUT is the way to write zeros.
 * False too for anything that is not a block device or when sysfs is absent.
 */
export function discardZeroesData(fd: number): boolean {
  try {
    const st = fstatSync(fd, {bigint: true})
    if (!st.isBlockDevice()) return false
    // glibc's major()/minor() split of the 64-bit dev_t.
    const r = st.rdev
    const major = ((r >> 8n) & 0xfffn) | ((r >> 32n) & ~0xfffn)
    const minor = (r & 0xffn) | ((r >> 12n) & ~0xffn)
    const dir = `/sys/dev/block/${major}:${minor}`
    // A partition has no queue/ of its own; it shares its disk's, one level up.
    for (const q of [`${dir}/queue`, `${dir}/../queue`]) {
      try {
        return readFileSync(`${q}/discard_zeroes_data`, 'utf8').trim() === '1'
      } catch {}
    }
  } catch {}
  return false
}

/**
 * posix_fadvise hint about how [offset, offset+length) will be read; length 0
 * means "to the end of the file". Only a hint, so failures are not errors:
 * returns whether the kernel accepted it.
 */
export function fadvise(fd: number, offset: number, length: number, advice: FadviseAdvice): boolean {
  if (!syscalls) return false
  try {
    checkRange('posix_fadvise', offset, length)
  } catch {
    return false
  }
  return syscalls.fadvise(fd, offset, length, FADVISE[advice]) === 0
}
