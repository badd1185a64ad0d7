// Every failure blockpair reports carries a stable `code` (tests and scripts
// match on it, never on message text) and the process exit code it maps to.
// The exit codes are the CLI contract in DESIGN.md.
//
// CODES below is the one list of codes: each with its exit code, whether a
// later `blockpair resume` can finish the job, and what it means. The error
// classes take their code as a type checked against the table, so tsc rejects
// a code that is not in it, or one thrown with a class of another exit
// (`new UsageError('E_IO', ...)`). A code held in a variable passes: that is a
// code passed on (from a peer, another thread, a wrapped cause), and a peer of
// another version may send one this table does not know.
// test/agent/errors.test.ts checks that every code literal in the source is in
// the table and that every entry is used.

export const EXIT = {
  OK: 0,
  DIFFERENT: 1,
  USAGE: 2,
  CONNECT: 3,
  PROTOCOL: 4,
  IO: 5,
  INTERRUPTED: 6,
  POLICY: 7,
} as const

export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

interface CodeInfo {
  readonly exit: Exclude<ExitCode, typeof EXIT.OK>
  /** A later `blockpair resume` can finish the job: it was cut short, or can go on once space is freed. */
  readonly resumable: boolean
  readonly meaning: string
}

export const CODES = {
  E_ACCESS: {exit: EXIT.IO, resumable: false, meaning: 'permission denied on a file or device'},
  E_ADDRESS: {exit: EXIT.USAGE, resumable: false, meaning: 'a source or destination argument is not a valid path or address'},
  E_AGENT_STOPPED: {exit: EXIT.INTERRUPTED, resumable: true, meaning: 'the agent was told to stop (a signal) during the sync'},
  E_AGENT_STOPPING: {exit: EXIT.POLICY, resumable: false, meaning: 'the agent is shutting down and takes no new target lock'},
  E_AGENT_BUSY: {exit: EXIT.CONNECT, resumable: false, meaning: 'the agent closed the connection before TLS: at its connection limit, or not an agent'},
  E_AUTH: {exit: EXIT.CONNECT, resumable: false, meaning: 'no key, or the peer does not accept ours'},
  E_BAD_FLAG: {exit: EXIT.USAGE, resumable: false, meaning: 'an unknown flag, a flag without its value, or a missing or extra argument'},
  E_BAD_FRAME: {exit: EXIT.PROTOCOL, resumable: false, meaning: 'a frame decoded but its contents break the protocol'},
  E_BAD_PLAN: {exit: EXIT.PROTOCOL, resumable: false, meaning: 'the sync plan a peer sent is inconsistent or out of range'},
  E_BAD_SSH_COMMAND: {exit: EXIT.USAGE, resumable: false, meaning: '--ssh is empty or badly quoted'},
  E_BAD_TARGET: {exit: EXIT.USAGE, resumable: false, meaning: 'an ssh target is not [USER@]HOST'},
  E_BLOCK_SIZE: {exit: EXIT.USAGE, resumable: false, meaning: '--block-size is not a supported size'},
  E_BUSY: {exit: EXIT.POLICY, resumable: false, meaning: 'the target is written by another sync, or the agent serves as many sessions as it may'},
  E_BWLIMIT: {exit: EXIT.USAGE, resumable: false, meaning: '--bwlimit is below 1K'},
  E_COMPRESSION: {exit: EXIT.USAGE, resumable: false, meaning: '--compress is not none, gzip or brotli'},
  E_CONNECT: {exit: EXIT.CONNECT, resumable: false, meaning: 'connecting to the agent failed for another reason'},
  E_CONNECT_HOST: {exit: EXIT.CONNECT, resumable: false, meaning: 'the agent\'s host name does not resolve'},
  E_CONNECT_REFUSED: {exit: EXIT.CONNECT, resumable: false, meaning: 'nothing listens at the agent\'s address'},
  E_CONNECT_TIMEOUT: {exit: EXIT.CONNECT, resumable: false, meaning: 'no TLS handshake with the agent in time'},
  E_CONNECT_UNREACHABLE: {exit: EXIT.CONNECT, resumable: false, meaning: 'the agent\'s network or host is unreachable'},
  E_DEMO_MISMATCH: {exit: EXIT.IO, resumable: false, meaning: 'the demo\'s copies differ after its sync'},
  E_DESTINATION_NOT_FOLDER: {exit: EXIT.USAGE, resumable: false, meaning: 'several sources need a destination folder written with a trailing /'},
  E_DEVICE_BUSY: {exit: EXIT.POLICY, resumable: false, meaning: 'the destination device is mounted or opened exclusively elsewhere'},
  E_DEVICE_NOT_ALLOWED: {exit: EXIT.POLICY, resumable: false, meaning: 'a block device not named with --allow-device'},
  E_DEVICE_TOO_SMALL: {exit: EXIT.IO, resumable: false, meaning: 'the destination device is smaller than the source'},
  E_DIGEST_MISMATCH: {exit: EXIT.IO, resumable: true, meaning: 'the destination\'s final digest differs from the source\'s'},
  E_DISCONNECTED: {exit: EXIT.INTERRUPTED, resumable: true, meaning: 'the connection to the peer ended before the sync finished'},
  E_DUPLICATE_DESTINATION: {exit: EXIT.USAGE, resumable: false, meaning: 'two sources would be written to the same destination'},
  E_DURATION: {exit: EXIT.USAGE, resumable: false, meaning: 'a duration flag is not a valid duration'},
  E_FRAME_MALFORMED: {exit: EXIT.PROTOCOL, resumable: false, meaning: 'a frame that does not decode'},
  E_FRAME_TIMEOUT: {exit: EXIT.INTERRUPTED, resumable: true, meaning: 'a frame that had begun did not finish arriving in time'},
  E_FRAME_TOO_LARGE: {exit: EXIT.PROTOCOL, resumable: false, meaning: 'a frame or block over its size limit, sent or received'},
  E_FRAME_TRUNCATED: {exit: EXIT.PROTOCOL, resumable: false, meaning: 'the stream ended in the middle of a frame'},
  E_FRAME_UNKNOWN: {exit: EXIT.PROTOCOL, resumable: false, meaning: 'a frame of a type this version does not know'},
  E_HANDSHAKE: {exit: EXIT.CONNECT, resumable: false, meaning: 'a TLS handshake failed (logged by the agent)'},
  E_HANDSHAKE_TIMEOUT: {exit: EXIT.CONNECT, resumable: false, meaning: 'a TLS handshake did not finish in time (logged by the agent)'},
  E_HARDLINK: {exit: EXIT.POLICY, resumable: false, meaning: 'the target has other hard links'},
  E_HASH_ALGORITHM: {exit: EXIT.PROTOCOL, resumable: false, meaning: 'the peer hashes with another algorithm'},
  E_IDLE_TIMEOUT: {exit: EXIT.INTERRUPTED, resumable: true, meaning: 'the agent dropped an idle session'},
  E_INSTALL_ALLOW: {exit: EXIT.USAGE, resumable: false, meaning: 'install was given no --allow or --allow-device'},
  E_INSTALL_COPY: {exit: EXIT.IO, resumable: false, meaning: 'copying blockpair to the remote host failed'},
  E_INSTALL_KEY: {exit: EXIT.IO, resumable: false, meaning: 'writing the key on the remote host failed'},
  E_INSTALL_PATH: {exit: EXIT.USAGE, resumable: false, meaning: 'an install path is not absolute'},
  E_INSTALL_PREFIX: {exit: EXIT.USAGE, resumable: false, meaning: 'install --prefix is /'},
  E_INSTALL_PROBE: {exit: EXIT.IO, resumable: false, meaning: 'the remote host could not be inspected before install'},
  E_INSTALL_SOURCE: {exit: EXIT.IO, resumable: false, meaning: 'the local blockpair package cannot be packed for install'},
  E_INSTALL_START: {exit: EXIT.IO, resumable: false, meaning: 'the installed agent service did not start'},
  E_INSTALL_TAR: {exit: EXIT.IO, resumable: false, meaning: 'tar failed while packing blockpair for install'},
  E_INSTALL_UNIT: {exit: EXIT.IO, resumable: false, meaning: 'writing the systemd unit on the remote host failed'},
  E_INTERNAL: {exit: EXIT.PROTOCOL, resumable: false, meaning: 'an unexpected failure (a bug); the agent\'s log or the message says more'},
  E_IO: {exit: EXIT.IO, resumable: true, meaning: 'reading or writing failed (any other errno)'},
  E_IS_DIR: {exit: EXIT.IO, resumable: false, meaning: 'the path is a directory'},
  E_JOB_CORRUPT: {exit: EXIT.IO, resumable: false, meaning: 'a job state file does not parse'},
  E_JOB_DONE: {exit: EXIT.USAGE, resumable: false, meaning: 'resume of a job that already finished'},
  E_JOB_ID: {exit: EXIT.USAGE, resumable: false, meaning: 'not a job id'},
  E_JOB_RUNNING: {exit: EXIT.USAGE, resumable: false, meaning: 'resume of a job that is still running'},
  E_KEY_EXISTS: {exit: EXIT.USAGE, resumable: false, meaning: 'keygen --out names a file that exists'},
  E_KEY_FILE: {exit: EXIT.USAGE, resumable: false, meaning: 'the key file is missing, unreadable or malformed'},
  E_KEY_FILE_MODE: {exit: EXIT.USAGE, resumable: false, meaning: 'the key file can be read by other users'},
  E_KEY_IDENTITY: {exit: EXIT.USAGE, resumable: false, meaning: 'the key identity is invalid or not in the key file'},
  E_KEY_STDIN: {exit: EXIT.USAGE, resumable: false, meaning: '--psk-stdin got no key'},
  E_KEY_WRITE: {exit: EXIT.IO, resumable: false, meaning: 'a key file could not be written or removed'},
  E_LISTEN: {exit: EXIT.CONNECT, resumable: false, meaning: 'the agent cannot listen on its address'},
  E_LISTEN_ADDRESS: {exit: EXIT.USAGE, resumable: false, meaning: '--listen is not HOST:PORT'},
  E_NOT_ALLOWED: {exit: EXIT.POLICY, resumable: false, meaning: 'the path is outside the agent\'s --allow folders'},
  E_NOT_A_FILE: {exit: EXIT.IO, resumable: false, meaning: 'the path is neither a regular file nor a block device'},
  E_NOT_FOUND: {exit: EXIT.IO, resumable: false, meaning: 'no such file or directory'},
  E_NOT_TRACKED: {exit: EXIT.USAGE, resumable: false, meaning: 'jobs --untrack names no tracked pair'},
  E_NOT_TLS: {exit: EXIT.CONNECT, resumable: false, meaning: 'a client that does not speak TLS (logged by the agent)'},
  E_NO_ALLOW: {exit: EXIT.USAGE, resumable: false, meaning: 'the agent was started without --allow or --allow-device'},
  E_NO_JOB: {exit: EXIT.USAGE, resumable: false, meaning: 'no such job, or no unfinished one'},
  E_NO_KEY: {exit: EXIT.USAGE, resumable: false, meaning: 'an agent:// address without --psk-file'},
  E_NO_SPACE: {exit: EXIT.IO, resumable: true, meaning: 'no space left on the device (or quota)'},
  E_PATCH_APPLIED_PART: {exit: EXIT.POLICY, resumable: true, meaning: 'the target holds part of the patch\'s result: an apply was interrupted; resume it'},
  E_PATCH_BASE: {exit: EXIT.POLICY, resumable: false, meaning: 'the target is not the copy the patch was made against (its base)'},
  E_PATCH_DAMAGED: {exit: EXIT.PROTOCOL, resumable: false, meaning: 'a patch or digest file is cut short, damaged, or not one'},
  E_PATCH_RESULT: {exit: EXIT.IO, resumable: false, meaning: 'after apply, the blocks written do not hash to the patch\'s result'},
  E_PATCH_SIZE: {exit: EXIT.POLICY, resumable: false, meaning: 'the target\'s size is not the size of the patch\'s base'},
  E_PATCH_TARGET: {exit: EXIT.USAGE, resumable: false, meaning: 'diff was given a digest as its source, or neither --out nor --dry-run'},
  E_PATH_CHANGED: {exit: EXIT.POLICY, resumable: false, meaning: 'a folder on the target\'s path was replaced while it was opened'},
  E_PATH_INVALID: {exit: EXIT.USAGE, resumable: false, meaning: 'the remote path is too long or holds a NUL byte'},
  E_PATH_RELATIVE: {exit: EXIT.USAGE, resumable: false, meaning: 'the remote path is not absolute'},
  E_PEER: {exit: EXIT.PROTOCOL, resumable: false, meaning: 'the peer sent an Error frame without a code (its exit as sent)'},
  E_PEER_SILENT: {exit: EXIT.INTERRUPTED, resumable: true, meaning: 'nothing came from the agent for --timeout (a cut cable, a hung host); resume the job'},
  E_RANGES_BAD: {exit: EXIT.USAGE, resumable: false, meaning: '--changed-ranges is malformed: not OFFSET LENGTH lines, qemu-img map JSON of a dirty bitmap or thin_delta XML, or a range is negative or overflows'},
  E_RANGES_CONFLICT: {exit: EXIT.USAGE, resumable: false, meaning: '--changed-ranges with --track-changes, --streams or several files'},
  E_RANGES_PAST_END: {exit: EXIT.USAGE, resumable: false, meaning: '--changed-ranges lists bytes past the end of the source'},
  E_RANGES_QCOW2: {exit: EXIT.USAGE, resumable: false, meaning: '--changed-ranges with a qcow2 source: a dirty bitmap lists guest offsets, not file offsets'},
  E_READ_ONLY: {exit: EXIT.IO, resumable: false, meaning: 'the file system is read-only'},
  E_REMOTE_NODE: {exit: EXIT.CONNECT, resumable: false, meaning: 'node is missing or too old on the remote host'},
  E_REMOTE_PLATFORM: {exit: EXIT.CONNECT, resumable: false, meaning: 'the remote host\'s platform differs from this one\'s native modules'},
  E_ROLE: {exit: EXIT.PROTOCOL, resumable: false, meaning: 'both peers claim the same side'},
  E_SHORT_READ: {exit: EXIT.IO, resumable: false, meaning: 'a file ended before its size (it shrank during the sync)'},
  E_SHORT_WRITE: {exit: EXIT.IO, resumable: false, meaning: 'a write made no progress'},
  E_SIGNAL: {exit: EXIT.INTERRUPTED, resumable: true, meaning: 'the run was stopped by SIGINT (Ctrl-C), SIGTERM or SIGHUP'},
  E_SIZE: {exit: EXIT.USAGE, resumable: false, meaning: 'a size flag is not a size'},
  E_SSH_AGENT_EXIT: {exit: EXIT.CONNECT, resumable: false, meaning: 'the remote agent exited before reporting its port'},
  E_SSH_AUTH: {exit: EXIT.CONNECT, resumable: false, meaning: 'ssh authentication was refused'},
  E_SSH_CONNECT: {exit: EXIT.CONNECT, resumable: false, meaning: 'ssh could not connect'},
  E_SSH_DROPPED: {exit: EXIT.INTERRUPTED, resumable: true, meaning: 'ssh went away during the sync'},
  E_SSH_HOSTKEY: {exit: EXIT.CONNECT, resumable: false, meaning: 'the remote host key is unknown or changed'},
  E_SSH_MISSING: {exit: EXIT.CONNECT, resumable: false, meaning: 'the ssh program is not installed'},
  E_SSH_NO_REMOTE_BIN: {exit: EXIT.CONNECT, resumable: false, meaning: 'blockpair is not installed on the remote host'},
  E_SSH_TIMEOUT: {exit: EXIT.CONNECT, resumable: false, meaning: 'the remote agent did not report its port in time'},
  E_SSH_UNKNOWN_HOST: {exit: EXIT.CONNECT, resumable: false, meaning: 'the ssh host name does not resolve'},
  E_STALLED: {exit: EXIT.PROTOCOL, resumable: false, meaning: 'a command stopped before it finished, left waiting for something that cannot come (a bug); nothing more is written'},
  E_STREAMS: {exit: EXIT.USAGE, resumable: false, meaning: '--streams is out of range'},
  E_STREAMS_DIFFER: {exit: EXIT.PROTOCOL, resumable: false, meaning: 'the streams of one sync opened different files'},
  E_STREAM_STOPPED: {exit: EXIT.INTERRUPTED, resumable: true, meaning: 'another stream of the same sync failed'},
  E_SYMLINK: {exit: EXIT.POLICY, resumable: false, meaning: 'the target is a symbolic link'},
  E_THIN_BLOCK_SIZE: {exit: EXIT.USAGE, resumable: false, meaning: 'a thin_delta list without --thin-block-size, or --thin-block-size is not a size'},
  E_TRACK_STATE_LINK: {exit: EXIT.POLICY, resumable: false, meaning: 'the change-tracking state folder (.blockpair-track, or a pair folder or record in it) is a symbolic link or not a folder: refused, it could lead outside --allow'},
  E_TLS_VERSION: {exit: EXIT.CONNECT, resumable: false, meaning: 'a client offered only TLS 1.2 or older (logged by the agent)'},
  E_TOO_MANY_CONNECTIONS: {exit: EXIT.CONNECT, resumable: false, meaning: 'more connections at once than the agent takes (logged by the agent)'},
  E_UNEXPECTED_FRAME: {exit: EXIT.PROTOCOL, resumable: false, meaning: 'a frame of the wrong kind for this step'},
  E_UNINSTALL: {exit: EXIT.IO, resumable: false, meaning: 'removing blockpair from the remote host failed'},
  E_VERIFY_MISMATCH: {exit: EXIT.DIFFERENT, resumable: false, meaning: '--verify read back a destination that differs from the source'},
  E_VERSION: {exit: EXIT.PROTOCOL, resumable: false, meaning: 'the peer speaks another protocol version'},
} as const satisfies Record<`E_${string}`, CodeInfo>

export type Code = keyof typeof CODES

/** The codes whose exit is X: what the class of that exit may be built with. */
export type CodeFor<X extends ExitCode> = {[C in Code]: (typeof CODES)[C]['exit'] extends X ? C : never}[Code]

type ExitOf<C extends string> = C extends Code ? (typeof CODES)[C]['exit'] : ExitCode

/**
 * A code literal must be in CODES with exit X (anything else becomes `never`,
 * and tsc reports the argument); a plain `string` is a code passed on.
 */
type Checked<C extends string, X extends ExitCode> =
  string extends C ? C : C extends Code ? ((typeof CODES)[C]['exit'] extends X ? C : never) : never

/** The table's entry for a code, or undefined for one this version does not know (a newer peer's). */
export function lookup(code: string): CodeInfo | undefined {
  return Object.hasOwn(CODES, code) ? CODES[code as Code] : undefined
}

/**
 * Whether a later `blockpair resume` can finish a job that failed with this
 * code. A code the table does not know (a peer of another version) is judged
 * by its exit: an interrupted run can always be resumed.
 */
export function isResumable(code: string, exit?: number): boolean {
  return lookup(code)?.resumable ?? exit === EXIT.INTERRUPTED
}

export class BlockpairError<C extends string = string> extends Error {
  readonly code: string
  readonly exit: ExitCode
  /** The job a failed sync left behind (`blockpair resume JOB`), when it kept one. */
  job?: string

  constructor(code: C & Checked<C, ExitOf<C>>, exit: ExitOf<C>, message: string, options?: {cause?: unknown}) {
    super(message, options)
    this.code = code
    this.exit = exit
    this.name = new.target.name
  }
}

/** Bad flags, arguments or addresses given by the user. */
export class UsageError<C extends string = string> extends BlockpairError {
  constructor(code: C & Checked<C, typeof EXIT.USAGE>, message: string) {
    super(code, EXIT.USAGE, message)
  }
}

/** Could not reach the peer, or the peer did not accept our key. */
export class ConnectError<C extends string = string> extends BlockpairError {
  constructor(code: C & Checked<C, typeof EXIT.CONNECT>, message: string, options?: {cause?: unknown}) {
    super(code, EXIT.CONNECT, message, options)
  }
}

/** The peer sent something that breaks the wire protocol. */
export class ProtocolError<C extends string = string> extends BlockpairError {
  constructor(code: C & Checked<C, typeof EXIT.PROTOCOL>, message: string) {
    super(code, EXIT.PROTOCOL, message)
  }
}

/** Reading or writing a file or device failed, locally or at the peer. */
export class IoError<C extends string = string> extends BlockpairError {
  constructor(code: C & Checked<C, typeof EXIT.IO>, message: string, options?: {cause?: unknown}) {
    super(code, EXIT.IO, message, options)
  }
}

/** The session ended before the sync finished; it can be resumed. */
export class InterruptedError<C extends string = string> extends BlockpairError {
  constructor(code: C & Checked<C, typeof EXIT.INTERRUPTED>, message: string, options?: {cause?: unknown}) {
    super(code, EXIT.INTERRUPTED, message, options)
  }
}

/** Refused by policy: outside --allow, target busy, device mounted. */
export class PolicyError<C extends string = string> extends BlockpairError {
  constructor(code: C & Checked<C, typeof EXIT.POLICY>, message: string) {
    super(code, EXIT.POLICY, message)
  }
}

/** Rebuild a typed error from the code and message a peer sent in an Error frame. */
export function errorFromWire(code: string, exit: number, message: string): BlockpairError {
  const known = Object.values(EXIT) as number[]
  const e = known.includes(exit) && exit !== 0 ? (exit as ExitCode) : EXIT.PROTOCOL
  return new BlockpairError(code, e, message)
}

/** Rebuild an error of this process that crossed a thread boundary, as its own class (InterruptedError for exit 6, ...). */
export function reviveError(code: string, exit: number, message: string): BlockpairError {
  switch (exit) {
    case EXIT.USAGE: return new UsageError(code, message)
    case EXIT.CONNECT: return new ConnectError(code, message)
    case EXIT.PROTOCOL: return new ProtocolError(code, message)
    case EXIT.IO: return new IoError(code, message)
    case EXIT.INTERRUPTED: return new InterruptedError(code, message)
    case EXIT.POLICY: return new PolicyError(code, message)
  }
  return errorFromWire(code, exit, message)
}

/** Wrap a Node system error from a file operation into an IoError with advice. */
export function ioError(err: unknown, what: string): BlockpairError {
  if (err instanceof BlockpairError) return err
  const e = err as NodeJS.ErrnoException
  switch (e?.code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new IoError('E_NO_SPACE', `${what}: no space left on the device; free space and run 'blockpair resume'`, {cause: err})
    case 'ENOENT':
      return new IoError('E_NOT_FOUND', `${what}: no such file or directory`, {cause: err})
    case 'EACCES':
    case 'EPERM':
      return new IoError('E_ACCESS', `${what}: permission denied`, {cause: err})
    case 'EISDIR':
      return new IoError('E_IS_DIR', `${what}: is a directory; give a file or block device path`, {cause: err})
    case 'EROFS':
      return new IoError('E_READ_ONLY', `${what}: read-only file system`, {cause: err})
    default:
      return new IoError('E_IO', `${what}: ${e?.message ?? String(err)}`, {cause: err})
  }
}
