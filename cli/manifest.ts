// Writes oclif.manifest.json at build time. With it, oclif imports only the
// command being run; without it, every command module loads at each start.
import {Plugin} from './oclif.js'
import {rmSync, writeFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import path from 'node:path'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const file = path.join(root, 'oclif.manifest.json')
rmSync(file, {force: true})
// Loaded without a manifest file, the plugin builds its manifest from the command modules.
const plugin = new Plugin({root, isRoot: true, ignoreManifest: true})
await plugin.load()
writeFileSync(file, JSON.stringify(plugin.manifest, null, 2) + '\n')
