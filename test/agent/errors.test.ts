import t from 'tap'
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {CODES, EXIT, IoError, InterruptedError, ioError, errorFromWire, isResumable, lookup, UsageError} from '../../agent/errors.js'
import {CodecError, type CodecCode} from '../../proto/codec.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** Every .ts file under a source folder (the addon's build output and generated code hold no codes). */
function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), {withFileTypes: true, recursive: true})
    .filter(e => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map(e => join(e.parentPath, e.name))
}

/** Each code literal in agent/, cli/ and proto/, with the files it appears in. */
function codeLiterals(): Map<string, string[]> {
  const found = new Map<string, string[]>()
  for (const file of ['agent', 'cli', 'proto'].flatMap(sources)) {
    for (const m of readFileSync(file, 'utf8').matchAll(/['"`](E_[A-Z0-9_]+)['"`]/g)) {
      const code = m[1] as string
      found.set(code, [...(found.get(code) ?? []), file.slice(ROOT.length)])
    }
  }
  return found
}

t.test('every code in the source is in the table, and every entry in the table is used', async t => {
  const found = codeLiterals()
  t.ok(found.size > 50, 'the scan finds the codes')
  const missing = [...found].filter(([code]) => lookup(code) === undefined).map(([code, files]) => `${code} (${files.join(', ')})`)
  t.same(missing, [], 'codes thrown but not in agent/errors.ts CODES')
  const dead = Object.keys(CODES).filter(code => !found.has(code))
  t.same(dead, [], 'entries of CODES no source uses')
})

t.test('every entry has an exit of the CLI contract other than 0, and a meaning', async t => {
  const exits = new Set<number>(Object.values(EXIT).filter(e => e !== EXIT.OK))
  for (const [code, info] of Object.entries(CODES)) {
    t.ok(exits.has(info.exit), `${code}: exit ${info.exit}`)
    t.ok(info.meaning.length > 0 && !info.meaning.includes('\n'), `${code}: one line of meaning`)
  }
})

t.test('the codec\'s own errors have the exit the table gives their codes', async t => {
  const codec: CodecCode[] = ['E_FRAME_TOO_LARGE', 'E_FRAME_TRUNCATED', 'E_FRAME_MALFORMED', 'E_FRAME_UNKNOWN']
  for (const code of codec) {
    t.equal(CODES[code].exit, EXIT.PROTOCOL, code)
    t.equal(new CodecError(code, 'x').exit, CODES[code].exit, `CodecError ${code}`)
  }
})

t.test('resumable: what the table says, and an unknown code by its exit', async t => {
  for (const code of ['E_NO_SPACE', 'E_IO', 'E_DIGEST_MISMATCH', 'E_DISCONNECTED', 'E_IDLE_TIMEOUT', 'E_STREAM_STOPPED', 'E_SSH_DROPPED']) {
    t.ok(isResumable(code), code)
  }
  for (const code of ['E_DEVICE_TOO_SMALL', 'E_NOT_FOUND', 'E_ACCESS', 'E_VERIFY_MISMATCH', 'E_NOT_ALLOWED']) {
    t.notOk(isResumable(code), code)
  }
  for (const [code, info] of Object.entries(CODES)) {
    if (info.exit === EXIT.INTERRUPTED) t.ok(info.resumable, `${code}: an interrupted run is resumable`)
  }
  t.ok(isResumable('E_FROM_A_NEWER_PEER', EXIT.INTERRUPTED))
  t.notOk(isResumable('E_FROM_A_NEWER_PEER', EXIT.IO))
  t.notOk(isResumable('E_FROM_A_NEWER_PEER'))
})

t.test('the classes take only codes of their exit (tsc checks; npm run typecheck)', async t => {
  // @ts-expect-error: not a code in the table
  t.equal(new UsageError('E_NOT_IN_THE_TABLE', 'x').code, 'E_NOT_IN_THE_TABLE')
  // @ts-expect-error: E_IO is an I/O error (exit 5), not a usage error
  t.equal(new UsageError('E_IO', 'x').exit, EXIT.USAGE)
  // A code passed on (from a peer, another thread) is a plain string and passes.
  const passed: string = 'E_DISCONNECTED'
  t.equal(new InterruptedError(passed, 'x').code, 'E_DISCONNECTED')
})

t.test('ioError maps ENOSPC to a resumable no-space error', async t => {
  const e = ioError(Object.assign(new Error('x'), {code: 'ENOSPC'}), 'write /x')
  t.equal(e.code, 'E_NO_SPACE')
  t.equal(e.exit, EXIT.IO)
  t.ok(e instanceof IoError)
  t.ok(isResumable(e.code))
})

t.test('errorFromWire keeps a known exit code and maps unknown ones to protocol', async t => {
  t.equal(errorFromWire('E_POLICY', 7, 'no').exit, 7)
  t.equal(errorFromWire('E_X', 99, 'no').exit, EXIT.PROTOCOL)
  t.equal(errorFromWire('E_X', 0, 'no').exit, EXIT.PROTOCOL)
})
