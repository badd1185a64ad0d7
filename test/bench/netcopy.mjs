// A plain TCP stream of a file, no TLS, no protocol: the most a single TCP
// connection moves through the benchmark's emulated link, as the floor of the
// link cases. Plain JavaScript so that node starts it without a loader.
//
//   node netcopy.mjs recv HOST PORT DST   accept one connection, write it to DST, fdatasync, exit
//   node netcopy.mjs send HOST PORT SRC   connect (retrying until the receiver listens), send SRC, exit
//
// The receiver flushes like blockpair's destination does: an fdatasync beside the
// writes every second or 256 MiB (its checkpoints), and one at the end. Without the
// flushes along the way the whole file would wait in the page cache for the last one.

import fs from 'node:fs'
import net from 'node:net'

const [mode, host, portArg, file] = process.argv.slice(2)
const port = Number(portArg)
if (!file || !Number.isInteger(port) || (mode !== 'recv' && mode !== 'send')) {
  console.error('usage: netcopy.mjs recv|send HOST PORT FILE')
  process.exit(2)
}
const die = e => {
  console.error(`netcopy ${mode}: ${e?.message ?? e}`)
  process.exit(1)
}
// Neither side may outlive a broken run.
setTimeout(() => die('timed out after 15 min'), 900_000).unref()

if (mode === 'recv') {
  const fd = fs.openSync(file, 'w')
  const srv = net.createServer(sock => {
    srv.close()
    const out = fs.createWriteStream('', {fd, autoClose: false, highWaterMark: 4 << 20})
    sock.on('error', die)
    out.on('error', die)
    let flushing = null
    let lastAt = Date.now()
    let lastBytes = 0
    let written = 0
    sock.on('data', d => {
      written += d.length
      if (flushing || (Date.now() - lastAt < 1000 && written - lastBytes < 256 << 20)) return
      lastAt = Date.now()
      lastBytes = written
      flushing = new Promise((resolve, reject) => fs.fdatasync(fd, e => (e ? reject(e) : resolve()))).then(() => {
        flushing = null
      }, die)
    })
    out.on('finish', async () => {
      await flushing
      fs.fdatasyncSync(fd)
      fs.closeSync(fd)
      process.exit(0)
    })
    sock.pipe(out)
  })
  srv.on('error', die)
  srv.listen(port, host)
} else {
  const deadline = Date.now() + 10_000
  const attempt = () => {
    const sock = net.connect(port, host)
    sock.once('error', e => {
      if (e.code === 'ECONNREFUSED' && Date.now() < deadline) setTimeout(attempt, 5)
      else die(e)
    })
    sock.once('connect', () => {
      sock.removeAllListeners('error')
      sock.on('error', die)
      const input = fs.createReadStream(file, {highWaterMark: 1 << 20})
      input.on('error', die)
      input.pipe(sock)
      sock.on('close', () => process.exit(0))
    })
  }
  attempt()
}
