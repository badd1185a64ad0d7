// What every command shares (cli/base.ts): whatever goes wrong, one line on
// stderr with a code, the contract's exit code, and under --json exactly one
// JSON object on stdout (checked against agent/run/schema.ts by cli()).
import t from 'tap'
import fs from 'node:fs'
import path from 'node:path'
import {EXIT} from '../../agent/errors.js'
import {cli, keygen, startAgent} from '../helpers/cli.js'

const dir = t.testdir({remote: {}, state: {}})
const remote = path.join(dir, 'remote')
const state = path.join(dir, 'state')
const src = path.join(dir, 'src.img')
fs.writeFileSync(src, Buffer.alloc(64 * 1024, 7))
const psk = await keygen(dir)
const agent = await startAgent(t, {allow: [remote], keyFile: psk})
t.jobs = 4

t.test('regression (issue 14, item 2): a % in an agent:// path is exit 2 with a message, never URIError', async t => {
  const r = await cli(['push', src, agent.url(`${remote}/100%.img`), '--psk-file', psk, '--state-dir', state, '--json'])
  t.equal(r.code, EXIT.USAGE)
  t.match(r.json(), {ok: false, code: 'E_ADDRESS', exit: EXIT.USAGE})
  t.notMatch(r.stderr, /URIError/)
  const ok = await cli(['push', src, agent.url(`${remote}/100%25%20b.img`), '--psk-file', psk, '--state-dir', state, '--json'])
  t.equal(ok.code, 0, ok.stderr)
  t.ok(fs.existsSync(path.join(remote, '100% b.img')), '%25 and %20 are decoded, as the README says')
})

t.test('regression (issue 14, item 2): every command under --json prints one JSON object whatever goes wrong', async t => {
  // A job file that parses but holds nothing a resume can use: an unforeseen failure, not a stack trace.
  const broken = path.join(dir, 'broken')
  fs.mkdirSync(broken)
  fs.writeFileSync(path.join(broken, '20261201-000000-abcd.json'), JSON.stringify({id: '20261201-000000-abcd', state: 'interrupted', pid: 1}))
  const cases: Array<[string[], number]> = [
    [['push', src], EXIT.USAGE],
    [['push', src, 'agent://h:1/a%zz'], EXIT.USAGE],
    [['push', '--bogus', src, 'h:/x'], EXIT.USAGE],
    [['pull', 'agent://127.0.0.1:1/x', path.join(dir, 'x'), '--psk-file', psk, '--state-dir', state], EXIT.CONNECT],
    [['resume', 'nope', '--state-dir', state], EXIT.USAGE],
    [['resume', '--state-dir', broken], -1],
    [['verify', path.join(dir, 'missing'), src], EXIT.IO],
    [['jobs', '--older-than', '7d'], EXIT.USAGE],
    [['keygen', '--out', psk], -1],
    [['demo', '--size', 'big'], EXIT.USAGE],
    [['install', 'no such host!', '--allow', '/x'], -1],
    [['agent', '--listen', 'nowhere', '--psk-file', psk], EXIT.USAGE],
  ]
  await Promise.all(cases.map(async ([args, exit]) => {
    const r = await cli([...args, '--json'])
    const j = r.json()
    t.equal(j.ok, false, `${args[0]}: ok false`)
    t.equal(r.code, j.exit, `${args.join(' ')}: the exit code is the JSON's (${r.code})`)
    if (exit !== -1) t.equal(r.code, exit, `${args.join(' ')}: exit ${exit}`)
    t.not(r.code, EXIT.DIFFERENT, 'never 1, which means "copies differ"')
    t.notMatch(r.stderr, /\n\s+at /, 'no stack trace')
  }))
})

t.test('regression (issue 14, item 11): a bad flag prints its error and one line pointing at --help', async t => {
  const r = await cli(['push', '--bogus', src, 'h:/x'])
  t.equal(r.code, EXIT.USAGE)
  t.same(r.stderr.trim().split('\n'), ['blockpair: Nonexistent flag: --bogus [E_BAD_FLAG]', "see 'blockpair push --help'"])
})

t.test('regression (issue 14, item 11): -h and help CMD show the help; the agent usage line has no empty choice', async t => {
  const [h, help, agentHelp] = await Promise.all([cli(['push', '-h']), cli(['help', 'push']), cli(['agent', '--help'])])
  t.equal(h.code, 0)
  t.match(h.stdout, /USAGE\s+\$ blockpair push/)
  t.equal(help.code, 0)
  t.equal(help.stdout, h.stdout, 'help push is push -h')
  t.notMatch(agentHelp.stdout, /\|\s+\|/)
  // Every paragraph of the description reads as written: no sentence broken at the source's line ends.
  const desc = (h.stdout.split('DESCRIPTION\n')[1] ?? '').split('EXAMPLES')[0] ?? ''
  const lines = desc.split('\n')
  const short = lines.filter((l, i) => l.trim() !== '' && (lines[i + 1] ?? '').trim() !== '' && l.length < 50)
  t.same(short, [], 'no line is cut short in mid-paragraph (the help wraps at 80 columns)')
})
