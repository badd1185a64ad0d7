// bin/run.js answers --version without loading oclif (issue 19: start-up). What it
// prints must stay oclif's own answer, so the two are compared here; everything
// else still goes through oclif.
import t from 'tap'
import {Config} from '@oclif/core'
import {REPO_ROOT, cli} from '../helpers/cli.js'

const oclif = await Config.load(REPO_ROOT)

t.test('--version prints what oclif would (its userAgent), also with more arguments after it', async t => {
  for (const args of [['--version'], ['--version', '--quiet'], ['--version', 'push']]) {
    const r = await cli(args)
    t.equal(r.code, 0, r.stderr)
    t.equal(r.stdout, `${oclif.userAgent}\n`, args.join(' '))
    t.equal(r.stderr, '')
  }
})

t.test('a --version that is not first is oclif\'s to handle, as before', async t => {
  const r = await cli(['keygen', '--version'])
  t.equal(r.code, 2)
  t.match(r.stderr, /\[E_BAD_FLAG\]/)
})

t.test('other commands still run through oclif', async t => {
  const r = await cli(['help', 'keygen'])
  t.equal(r.code, 0, r.stderr)
  t.match(r.stdout, /USAGE/)
  t.equal(r.stderr, '')
})
