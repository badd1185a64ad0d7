// Regression: a command left waiting for something that cannot come
// (the diff of a sparse image, test/integration/diff-sparse.test.ts) let
// Node's event loop run dry, and the CLI exited 0 with nothing printed, as if
// it had succeeded. Now an empty loop before the command settles is
// E_STALLED: its message, its exit code, and under --json the error object.
import t from 'tap'
import {execFile} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {pathToFileURL} from 'node:url'
import {CODES} from '../../agent/errors.js'
import {REPO_ROOT} from '../helpers/cli.js'

/** Run a command built on BaseCommand whose run() waits forever; its output and exit code. */
async function stalledCommand(dir: string, args: string[]): Promise<{code: number | null; stdout: string; stderr: string}> {
  const script = path.join(dir, 'stall.mts')
  writeFileSync(script, `import {BaseCommand} from ${JSON.stringify(pathToFileURL(path.join(REPO_ROOT, 'cli/base.ts')).href)}
class Stall extends BaseCommand {
  async run() {
    await this.parse(Stall)
    await new Promise(() => {})
  }
}
Stall.id = 'stall'
void Stall.run(process.argv.slice(2), {root: ${JSON.stringify(REPO_ROOT)}})
`)
  return new Promise(resolve => {
    execFile(process.execPath, ['--import', 'tsx', script, ...args], {cwd: REPO_ROOT}, (err, stdout, stderr) => {
      resolve({code: err ? (err as {code?: number}).code ?? null : 0, stdout, stderr})
    })
  })
}

t.test('regression (a stalled command exited 0): an empty event loop before the command settles is E_STALLED', async t => {
  const dir = t.testdir()
  const json = await stalledCommand(dir, ['--json'])
  t.equal(json.code, CODES.E_STALLED.exit)
  t.match(JSON.parse(json.stdout), {ok: false, code: 'E_STALLED', exit: CODES.E_STALLED.exit, resumable: false})
  const text = await stalledCommand(dir, [])
  t.equal(text.code, CODES.E_STALLED.exit)
  t.equal(text.stdout, '')
  t.match(text.stderr, /\[E_STALLED\]\n$/)
})
