// Command-line addresses: agent://, [USER@]HOST:PATH (as scp), local paths.
import t from 'tap'
import {parseAddress} from '../../../agent/run/address.js'
import {EXIT} from '../../../agent/errors.js'

t.test('agent:// addresses', async t => {
  t.same(parseAddress('agent://hv2:7373/var/lib/images/vm.img'), {kind: 'agent', host: 'hv2', port: 7373, path: '/var/lib/images/vm.img'})
  t.same(parseAddress('agent://127.0.0.1:1/x'), {kind: 'agent', host: '127.0.0.1', port: 1, path: '/x'})
  t.same(parseAddress('agent://[::1]:7373/x'), {kind: 'agent', host: '::1', port: 7373, path: '/x'}, 'IPv6 in brackets')
  t.same(parseAddress('agent://[fd00::2]:65535/a/b c'), {kind: 'agent', host: 'fd00::2', port: 65535, path: '/a/b c'})
  t.same(parseAddress('agent://h:7373/images/vm%20disk.img'), {kind: 'agent', host: 'h', port: 7373, path: '/images/vm disk.img'}, 'percent-decoded')
  for (const bad of ['agent://hv2/x', 'agent://hv2:7373', 'agent://hv2:7373x/y', 'agent://:7373/x', 'agent://hv2:0/x', 'agent://hv2:65536/x', 'agent://::1:7373/x']) {
    t.throws(() => parseAddress(bad), {code: 'E_ADDRESS', exit: EXIT.USAGE}, bad)
  }
})

t.test('ssh addresses, like scp and rsync', async t => {
  t.same(parseAddress('user@host:/p'), {kind: 'ssh', target: 'user@host', host: 'host', path: '/p'})
  t.same(parseAddress('hv2:/dev/vg0/disk'), {kind: 'ssh', target: 'hv2', host: 'hv2', path: '/dev/vg0/disk'})
  t.same(parseAddress('root@hv2:images/vm.img'), {kind: 'ssh', target: 'root@hv2', host: 'hv2', path: 'images/vm.img'}, 'relative to the remote home')
  t.throws(() => parseAddress('hv2:'), {code: 'E_ADDRESS'}, 'a host and no path')
})

t.test('local paths, including ones with a colon after a slash', async t => {
  t.same(parseAddress('./a:b'), {kind: 'local', path: './a:b'})
  t.same(parseAddress('/images/a:b'), {kind: 'local', path: '/images/a:b'})
  t.same(parseAddress('vm.img'), {kind: 'local', path: 'vm.img'})
  t.same(parseAddress('/dev/vg0/disk'), {kind: 'local', path: '/dev/vg0/disk'})
  t.throws(() => parseAddress(''), {code: 'E_ADDRESS'})
})

t.test('regression (issue 14, item 2): a % in an agent:// path is an escape, never a crash', async t => {
  t.same(parseAddress('agent://h:1/img/100%25.img').path, '/img/100%.img', '%25 is a %')
  t.same(parseAddress('agent://h:1/img/a%20b.img').path, '/img/a b.img', '%20 is a space, as documented')
  t.same(parseAddress('agent://h:1/img/é.img').path, '/img/é.img', 'UTF-8 as itself')
  for (const bad of ['agent://h:1/img/100%.img', 'agent://h:1/img/%zz', 'agent://h:1/img/%4', 'agent://h:1/img/%ff.img', 'agent://h:1/img/a%00b', 'agent://h:1/img/a%0Ab']) {
    t.throws(() => parseAddress(bad), {code: 'E_ADDRESS', exit: EXIT.USAGE}, bad)
  }
})
