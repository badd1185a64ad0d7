// The one door to oclif for the CLI: commands, base and bin/run.js import it from
// here, never from '@oclif/core'. The build (cli/bundle.ts) replaces the compiled
// dist/cli/oclif.js with a single file holding oclif and its dependencies: loading
// ~110 small CommonJS files is a third of a push's start-up (issue 19), one file
// loads in half the time. Without esbuild the build keeps this plain re-export,
// which behaves the same, only slower to load.
export {Args, Command, Errors, Flags, Plugin, execute, loadHelpClass} from '@oclif/core'
