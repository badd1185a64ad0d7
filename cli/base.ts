// What every command shares: typed errors become a one-line message and the
// exit code from the CLI contract; with --json, a JSON object on stdout too.

import {Command, Flags} from '@oclif/core'
import {BlockpairError, EXIT} from '../agent/errors.js'

export abstract class BaseCommand extends Command {
  static baseFlags = {
    json: Flags.boolean({description: 'Print one JSON object on stdout when done (errors too).'}),
    quiet: Flags.boolean({char: 'q', description: 'Print nothing but errors (and --json output).'}),
  }

  protected wantsJson = false

  async init(): Promise<void> {
    await super.init()
    // Until run() has parsed its flags: a flag whose parser throws (--streams) fails before that.
    this.wantsJson = this.argv.includes('--json')
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
    if (err instanceof BlockpairError) {
      const message = withoutOclifFrame(err.message)
      if (this.wantsJson) this.printJson({ok: false, code: err.code, exit: err.exit, message})
      process.stderr.write(`blockpair: ${message} [${err.code}]\n`)
      this.exit(err.exit)
    }
    // oclif's own parse errors (unknown flag, missing argument) are usage errors.
    if (err.oclif && err.oclif.exit === undefined) err.oclif.exit = EXIT.USAGE
    return super.catch(err)
  }
}

/** oclif wraps the message of an error thrown by a flag's parser in lines of its own; ours is one line. */
function withoutOclifFrame(message: string): string {
  return message.replace(/^Parsing --\S+ \n\t/, '').replace(/\nSee more help with --help$/, '')
}
