// Key files: parsing several identities, refusing duplicates, bad hex and
// files other users can read; keygen's file round trips.
import t from 'tap'
import {chmodSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {EXIT} from '../../../agent/errors.js'
import {formatKey, KEY_BYTES, KeyRing, newKey, parseKeys, readKeyFile, writeKeyFile} from '../../../agent/wire/keys.js'

const hexA = 'a1'.repeat(32)
const hexB = '0B'.repeat(32)

t.test('several identities, comments and blank lines', async t => {
  const ring = parseKeys(`# keys for hv1\n\nhv2 ${hexA}\n  hv3\t${hexB}  \n`, 'psk')
  t.equal(ring.keys.length, 2)
  t.same(ring.keys.map(k => k.identity), ['hv2', 'hv3'])
  t.ok(ring.find('hv3')?.equals(Buffer.from(hexB, 'hex')), 'hex is case-insensitive')
  t.equal(ring.find('nobody'), null)
  t.equal(ring.pick().identity, 'hv2', 'the first key is the default')
  t.equal(ring.pick('hv3').identity, 'hv3')
  t.throws(() => ring.pick('nobody'), {code: 'E_KEY_IDENTITY', exit: EXIT.USAGE})
})

t.test('a bare hex line gets the default identity', async t => {
  const ring = parseKeys(`${hexA}\n`, 'stdin')
  t.equal(ring.pick().identity, 'blockpair')
  t.equal(ring.pick().key.length, KEY_BYTES)
})

t.test('bad key files are usage errors with a stable code', async t => {
  const bad: Array<[string, string]> = [
    ['duplicate identity', `hv2 ${hexA}\nhv2 ${hexB}\n`],
    ['short hex', `hv2 ${'a1'.repeat(31)}\n`],
    ['long hex', `hv2 ${'a1'.repeat(33)}\n`],
    ['not hex', `hv2 ${'zz'.repeat(32)}\n`],
    ['three fields', `hv2 ${hexA} extra\n`],
    ['bad identity characters', `h/v ${hexA}\n`],
    ['identity too long', `${'x'.repeat(65)} ${hexA}\n`],
    ['no keys at all', '# nothing\n\n'],
  ]
  for (const [name, text] of bad) {
    t.throws(() => parseKeys(text, 'psk'), {code: 'E_KEY_FILE', exit: EXIT.USAGE}, name)
  }
  t.throws(() => new KeyRing([]), {code: 'E_KEY_FILE'})
})

t.test('readKeyFile refuses a file other users can read', async t => {
  const dir = t.testdir()
  const file = join(dir, 'psk')
  writeFileSync(file, `hv2 ${hexA}\n`)
  for (const mode of [0o644, 0o640, 0o604, 0o660]) {
    chmodSync(file, mode)
    t.throws(() => readKeyFile(file), {code: 'E_KEY_FILE_MODE', exit: EXIT.USAGE}, mode.toString(8))
  }
  chmodSync(file, 0o600)
  t.equal(readKeyFile(file).pick().identity, 'hv2')
  chmodSync(file, 0o400)
  t.equal(readKeyFile(file).pick().identity, 'hv2', '0400 is fine')
  t.throws(() => readKeyFile(join(dir, 'missing')), {code: 'E_KEY_FILE'})
})

t.test('writeKeyFile makes a 0600 file that reads back, and never overwrites', async t => {
  const file = join(t.testdir(), 'psk')
  const key = newKey('hv-1.example@x')
  writeKeyFile(file, key)
  t.equal(statSync(file).mode & 0o777, 0o600)
  t.equal(readFileSync(file, 'utf8'), formatKey(key))
  const ring = readKeyFile(file)
  t.ok(ring.find('hv-1.example@x')?.equals(key.key))
  t.throws(() => writeKeyFile(file, newKey('other')), {code: 'E_KEY_EXISTS'})
  t.ok(readKeyFile(file).find('hv-1.example@x'), 'the old key is still there')
  t.throws(() => newKey('bad name'), {code: 'E_KEY_IDENTITY'})
  t.not(newKey('a').key.toString('hex'), newKey('a').key.toString('hex'), 'keys are random')
})
