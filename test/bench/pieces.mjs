// The floor of `blockpair apply`: write changed 4 KiB pieces at their offsets, in one
// process, then fdatasync once (apply flushes too). PIECES holds records of an 8-byte
// big-endian offset followed by 4096 bytes, in offset order, made untimed by the case.
// One process, not one `dd seek=… conv=notrunc` per piece: thousands of process
// starts would make the floor slower than what it bounds.
//
//   node pieces.mjs PIECES TARGET

import {closeSync, fdatasyncSync, openSync, readFileSync, writeSync} from 'node:fs'

const BLOCK = 4096
const [piecesFile, target] = process.argv.slice(2)
const pieces = readFileSync(piecesFile)
const fd = openSync(target, 'r+')
for (let at = 0; at + 8 + BLOCK <= pieces.length; at += 8 + BLOCK) {
  const offset = Number(pieces.readBigUInt64BE(at))
  let done = 0
  while (done < BLOCK) done += writeSync(fd, pieces, at + 8 + done, BLOCK - done, offset + done)
}
fdatasyncSync(fd)
closeSync(fd)
