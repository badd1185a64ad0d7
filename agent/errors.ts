// Every failure blockpair reports carries a stable `code` (tests and scripts
// match on it, never on message text) and the process exit code it maps to.
// The exit codes are the CLI contract in DESIGN.md.

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

export class BlockpairError extends Error {
  readonly code: string
  readonly exit: ExitCode

  constructor(code: string, exit: ExitCode, message: string, options?: {cause?: unknown}) {
    super(message, options)
    this.code = code
    this.exit = exit
    this.name = new.target.name
  }
}

/** Bad flags, arguments or addresses given by the user. */
export class UsageError extends BlockpairError {
  constructor(code: string, message: string) {
    super(code, EXIT.USAGE, message)
  }
}

/** Could not reach the peer, or the peer did not accept our key. */
export class ConnectError extends BlockpairError {
  constructor(code: string, message: string, options?: {cause?: unknown}) {
    super(code, EXIT.CONNECT, message, options)
  }
}

/** The peer sent something that breaks the wire protocol. */
export class ProtocolError extends BlockpairError {
  constructor(code: string, message: string) {
    super(code, EXIT.PROTOCOL, message)
  }
}

/** Reading or writing a file or device failed, locally or at the peer. */
export class IoError extends BlockpairError {
  constructor(code: string, message: string, options?: {cause?: unknown}) {
    super(code, EXIT.IO, message, options)
  }
}

/** The session ended before the sync finished; it can be resumed. */
export class InterruptedError extends BlockpairError {
  constructor(code: string, message: string, options?: {cause?: unknown}) {
    super(code, EXIT.INTERRUPTED, message, options)
  }
}

/** Refused by policy: outside --allow, target busy, device mounted. */
export class PolicyError extends BlockpairError {
  constructor(code: string, message: string) {
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
