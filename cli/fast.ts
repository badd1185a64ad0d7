// push, pull and agent as one CommonJS script (the build bundles this file and
// everything it imports, oclif included, into dist/cli/fast.cjs), so that bin/run.js
// can load them through V8's code cache (cli/script-cache.ts) instead of compiling ~80
// modules at every start (issue 19). They still run as oclif commands: the same
// classes, parsed, run and caught by oclif, only found without oclif's command
// loader, which import()s the command module and so cannot run from a cached script.
// Everything else (other commands, --help) goes through oclif's usual route.
//
// push and pull are what a user waits for; agent is started with fixed arguments by
// the ssh bootstrap (where its start-up is part of every sync), the systemd unit and
// --workers, and stays up: from here it starts ~0.14 s sooner and holds ~4 MiB less
// than with the whole of oclif loaded (test/bench/ANALYSIS.md, "s5cli").

import {readFileSync} from 'node:fs'
import path from 'node:path'
import {flush, handle, Plugin} from './oclif.js'
import Agent from './commands/agent.js'
import Pull from './commands/pull.js'
import Push from './commands/push.js'

/** The commands bin/run.js runs from here (its FAST_COMMANDS; test/cli/fast.test.ts holds the two together). */
export const commands: Record<'push' | 'pull' | 'agent', {id: string | undefined; run(argv: string[], opts: ConfigOptions): Promise<unknown>}> = {push: Push, pull: Pull, agent: Agent}

/** What oclif's Config.load takes to build the configuration of a CLI whose plugins are given. */
interface ConfigOptions {
  root: string
  plugins: Map<string, Plugin>
}

/**
 * The package as an oclif plugin that lists no commands. oclif's own reads every
 * command from oclif.manifest.json and sorts them with localeCompare, whose first call
 * loads ICU's collation data (~8 ms, as long as the session); a command that is run by
 * its class needs none of that. If a later oclif reads its manifest by another name,
 * this override is simply not called and the manifest is read as before. Given the
 * package.json, oclif reads it once instead of twice, and looks for no other root.
 */
class CommandlessPlugin extends Plugin {
  constructor(root: string) {
    super({root, isRoot: true, pjson: JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Plugin['pjson']})
    Object.assign(this, {_manifest: async () => ({version: this.version, commands: {}})})
  }
}

/**
 * oclif's Config.load reads a user's theme.json (twice, ~1-4 ms, the file normally
 * missing) unless BLOCKPAIR_DISABLE_THEME is set. A theme colours help and oclif's JSON
 * output, which these commands never print (their help takes oclif's route). Set for
 * the run unless the user set it; the processes a run starts meanwhile (the agent's
 * --workers, ssh) inherit it, which changes nothing for them.
 */
const NO_THEME = 'BLOCKPAIR_DISABLE_THEME'

/** Runs `blockpair ID ...argv` as oclif's execute() would, from the package's root folder. */
export async function run(id: string, argv: string[], root: string): Promise<void> {
  const command = commands[id as keyof typeof commands]
  // oclif names a command it was not given by its id from its class name; esbuild may rename classes.
  command.id = id
  const ownNoTheme = process.env[NO_THEME] === undefined
  if (ownNoTheme) process.env[NO_THEME] = 'true'
  try {
    const plugin = new CommandlessPlugin(root)
    await plugin.load()
    // Command.run loads the configuration from these; given a loaded Config, it would load it again (~5 ms).
    await command.run(argv, {root, plugins: new Map([[plugin.name, plugin]])})
    await flush()
  } catch (err) {
    await handle(err as Error)
  } finally {
    if (ownNoTheme) delete process.env[NO_THEME]
  }
}
