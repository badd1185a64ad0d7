// Regression: a missing argument printed oclif's column list run
// together ("Missing 1 required arg:; sources  Local files or block
// devices."), and for push and pull named SOURCES when the destination was
// what was missing. It is still E_BAD_FLAG (exit 2); the message is the usage.
import t from 'tap'
import {EXIT} from '../../agent/errors.js'
import {cli} from '../helpers/cli.js'

t.test('regression (run-on message for a missing argument): the usage line instead', async t => {
  const cases: Array<[string[], string]> = [
    [['push', 'vm.img'], 'missing an argument; usage: blockpair push SOURCES... DESTINATION'],
    [['pull', 'agent://h:1/vm.img'], 'missing an argument; usage: blockpair pull SOURCES... DESTINATION'],
    [['apply'], 'missing 2 arguments; usage: blockpair apply PATCH TARGET'],
  ]
  await Promise.all(cases.map(async ([args, message]) => {
    const r = await cli([...args, '--json'])
    t.equal(r.code, EXIT.USAGE, args.join(' '))
    t.match(r.json(), {ok: false, code: 'E_BAD_FLAG', exit: EXIT.USAGE, message})
    t.notMatch(r.stderr, /:;/)
  }))
})
