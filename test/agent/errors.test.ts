import t from 'tap'
import {EXIT, IoError, ioError, errorFromWire} from '../../agent/errors.js'

t.test('ioError maps ENOSPC to a resumable no-space error', async t => {
  const e = ioError(Object.assign(new Error('x'), {code: 'ENOSPC'}), 'write /x')
  t.equal(e.code, 'E_NO_SPACE')
  t.equal(e.exit, EXIT.IO)
  t.ok(e instanceof IoError)
})

t.test('errorFromWire keeps a known exit code and maps unknown ones to protocol', async t => {
  t.equal(errorFromWire('E_POLICY', 7, 'no').exit, 7)
  t.equal(errorFromWire('E_X', 99, 'no').exit, EXIT.PROTOCOL)
  t.equal(errorFromWire('E_X', 0, 'no').exit, EXIT.PROTOCOL)
})
