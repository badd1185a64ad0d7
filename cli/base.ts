// What every command shares: every failure, ours or not, becomes a one-line
// message and the exit code from the CLI contract; with --json, one JSON
// object on stdout too (agent/run/schema.ts, the error shape). Nothing
// escapes as a stack trace: an error that is not ours is E_INTERNAL.
//
// A command whose work waits for something that can never come (a deadlock
// between two peers joined in memory) leaves Node's event loop empty, and
// Node then exits 0 with nothing printed: a script would take that for
// success. Until the command settles, an empty loop is E_STALLED instead.

import {Command, Errors, Flags} from './oclif.js'
import {BlockpairError, CODES, isResumable, ProtocolError, UsageError} from '../agent/errors.js'
import {errorJson} from '../agent/run/schema.js'

export abstract class BaseCommand extends Command {
  static baseFlags = {
    json: Flags.boolean({description: 'Print one JSON object on stdout when done (errors too).'}),
    quiet: Flags.boolean({char: 'q', description: 'Print nothing but errors (and --json output).'}),
  }

  protected wantsJson = false

  private readonly stalled = (): void => {
    this.fail(new ProtocolError('E_STALLED', `${this.id ?? 'the command'} stopped before it finished: it was left waiting for something that cannot come (a bug; please report it with the command line)`))
    process.exitCode = CODES.E_STALLED.exit
  }

  async init(): Promise<void> {
    process.once('beforeExit', this.stalled)
    // Before parsing: a bad flag fails in super.init() or parse(), and still answers in JSON.
    this.wantsJson = this.argv.includes('--json')
    await super.init()
  }

  async finally(err: Error | undefined): Promise<unknown> {
    process.off('beforeExit', this.stalled)
    return super.finally(err)
  }

  protected out(text: string): void {
    process.stdout.write(text.endsWith('\n') ? text : text + '\n')
  }

  protected printJson(value: unknown): void {
    process.stdout.write(JSON.stringify(value) + '\n')
  }

  /** A run's summary: as JSON with --json, else its text unless --quiet. */
  protected report<S>(s: S, text: (s: S) => string): void {
    if (this.wantsJson) this.printJson(s)
    else if (!this.argv.some(a => a === '--quiet' || a === '-q')) this.out(text(s))
  }

  async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    if (err instanceof Errors.ExitError) return super.catch(err)
    const e = missingArgs(err, this.id ?? '', this.ctor.args) ?? asBlockpairError(err)
    this.fail(e)
    this.exit(e.exit)
  }

  /** The failure as one line on stderr, and with --json as the error object on stdout. */
  private fail(e: BlockpairError): void {
    const message = withoutOclifFrame(e.message)
    if (this.wantsJson) this.printJson(errorJson({code: e.code, exit: e.exit, message, job: e.job}, e.job !== undefined && isResumable(e.code, e.exit)))
    process.stderr.write(`blockpair: ${message} [${e.code}]\n`)
    // A bad flag or argument: the error, and where help is (the full help would scroll it away).
    if (e.code === 'E_BAD_FLAG') process.stderr.write(`see '${this.config.bin} ${this.id ?? ''} --help'\n`.replace('  ', ' '))
  }
}

/** Any error as ours: oclif's parse errors are E_BAD_FLAG (exit 2), anything unforeseen E_INTERNAL. */
function asBlockpairError(err: Error & {oclif?: {exit?: number}}): BlockpairError {
  if (err instanceof BlockpairError) return err
  if (err instanceof Errors.CLIError || err.oclif) return new UsageError('E_BAD_FLAG', withoutOclifFrame(err.message).replace(/\s*\n\s*/g, '; '))
  return new ProtocolError('E_INTERNAL', `unexpected error: ${err.message || String(err)}`)
}

/**
 * oclif's "Missing 1 required arg:" lists each argument with its help text
 * in columns, which became one run-on line here ("arg:; sources  Local
 * files..."), and, because SOURCES takes several values, named SOURCES when
 * only the destination was missing. The usage line says what is wanted.
 */
function missingArgs(err: Error, id: string, args: Record<string, {multiple?: boolean}> | undefined): BlockpairError | null {
  const missing = (err as {args?: unknown}).args
  if (!Array.isArray(missing) || !/^Missing \d+ required arg/.test(err.message) || !args) return null
  const usage = Object.entries(args).map(([name, a]) => name.toUpperCase() + (a.multiple ? '...' : '')).join(' ')
  const n = missing.length
  return new UsageError('E_BAD_FLAG', `missing ${n === 1 ? 'an argument' : `${n} arguments`}; usage: blockpair ${id} ${usage}`)
}

/** oclif wraps messages in lines of its own (a flag parser's error, the help hint); ours are one line. */
function withoutOclifFrame(message: string): string {
  return message.replace(/^Parsing --\S+ \n\t/, '').replace(/\nSee more help with --help$/, '')
}
