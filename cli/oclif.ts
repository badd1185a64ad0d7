// The one door to oclif for the CLI: commands, base and bin/run.js import it from
// here, never from '@oclif/core'. The build (cli/bundle.ts) replaces the compiled
// dist/cli/oclif.js with a single file holding oclif and its dependencies, since
// finding and reading its ~110 small CommonJS files was the largest part of every
// start after Node's own (issue 19): as one file, a 64 KiB push takes ~0.18 s of CPU
// instead of ~0.22 s, `push --help` ~0.12 s instead of ~0.15 s. Without esbuild the
// build keeps this plain re-export, which behaves the same, only slower to load.
export {Args, Command, Config, Errors, Flags, Plugin, execute, flush, handle, loadHelpClass} from '@oclif/core'
