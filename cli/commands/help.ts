import {Args, Command, loadHelpClass} from '../oclif.js'

// `blockpair help push`, as `rsync --help` habits and git expect; the same text as `push --help`.
export default class Help extends Command {
  static summary = 'Show help for blockpair or one of its commands.'
  static examples = ['<%= config.bin %> help', '<%= config.bin %> help push']
  static args = {command: Args.string({description: 'The command to explain.'})}
  static strict = false

  async run(): Promise<void> {
    const {argv} = await this.parse(Help)
    const HelpClass = await loadHelpClass(this.config)
    await new HelpClass(this.config, this.config.pjson.oclif.helpOptions).showHelp(argv as string[])
  }
}
