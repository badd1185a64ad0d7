// Pre-shared keys. A key file holds one identity per line: `NAME HEX`, where
// HEX is a 32-byte key. An agent accepts every identity in its file, so each
// peer host can have its own key and be revoked alone; a client uses the
// first one (or the one named with --identity).

import {randomBytes} from 'node:crypto'
import fs from 'node:fs'
import {IoError, UsageError} from '../errors.js'

export const KEY_BYTES = 32
const IDENTITY = /^[A-Za-z0-9._@-]{1,64}$/

export interface Key {
  identity: string
  key: Buffer
}

export class KeyRing {
  constructor(readonly keys: Key[]) {
    if (keys.length === 0) throw new UsageError('E_KEY_FILE', 'the key file holds no keys')
  }

  find(identity: string): Buffer | null {
    return this.keys.find(k => k.identity === identity)?.key ?? null
  }

  pick(identity?: string): Key {
    if (identity === undefined) return this.keys[0] as Key
    const key = this.find(identity)
    if (!key) throw new UsageError('E_KEY_IDENTITY', `the key file has no identity named '${identity}'`)
    return {identity, key}
  }
}

export function newKey(identity: string): Key {
  if (!IDENTITY.test(identity)) throw new UsageError('E_KEY_IDENTITY', `identity '${identity}' must be 1-64 letters, digits, or . _ @ -`)
  return {identity, key: randomBytes(KEY_BYTES)}
}

export function formatKey(k: Key): string {
  return `${k.identity} ${k.key.toString('hex')}\n`
}

export function parseKeys(text: string, where: string): KeyRing {
  const keys: Key[] = []
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) return
    const parts = line.split(/\s+/)
    // A bare hex line (as sent on --psk-stdin) gets the default identity.
    const [identity, hex] = parts.length === 1 ? ['blockpair', parts[0] as string] : [parts[0] as string, parts[1] as string]
    if (parts.length > 2 || !IDENTITY.test(identity) || !/^[0-9a-fA-F]{64}$/.test(hex)) {
      throw new UsageError('E_KEY_FILE', `${where} line ${i + 1}: expected 'IDENTITY HEX' with a ${KEY_BYTES}-byte hex key`)
    }
    if (keys.some(k => k.identity === identity)) throw new UsageError('E_KEY_FILE', `${where} line ${i + 1}: identity '${identity}' appears twice`)
    keys.push({identity, key: Buffer.from(hex, 'hex')})
  })
  return new KeyRing(keys)
}

/** Read a key file, refusing one that others could read. */
export function readKeyFile(path: string): KeyRing {
  let st: fs.Stats
  let text: string
  try {
    st = fs.statSync(path)
    text = fs.readFileSync(path, 'utf8')
  } catch (err) {
    throw new UsageError('E_KEY_FILE', `cannot read key file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; create one with 'blockpair keygen --out ${path}'`)
  }
  if ((st.mode & 0o077) !== 0) {
    throw new UsageError('E_KEY_FILE_MODE', `key file ${path} can be read by other users (mode ${(st.mode & 0o777).toString(8)}); run 'chmod 600 ${path}'`)
  }
  return parseKeys(text, path)
}

/** Write a new key file with mode 0600; never overwrites. */
export function writeKeyFile(path: string, k: Key): void {
  try {
    fs.writeFileSync(path, formatKey(k), {mode: 0o600, flag: 'wx'})
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'EEXIST') throw new UsageError('E_KEY_EXISTS', `${path} already exists; remove it first or choose another --out`)
    throw new IoError('E_KEY_WRITE', `cannot write ${path}: ${code ?? (err as Error).message}`)
  }
}
