// --changed-ranges FILE|-: read the list once, before anything connects (the
// parsing is agent/track/ranges-input.ts). Stdin cannot be read again, so the
// job keeps the ranges themselves for `resume`.

import fs from 'node:fs'
import type {Range} from '../engine/engine.js'
import {ioError} from '../errors.js'
import {parseChangedRanges} from '../track/ranges-input.js'

export function readChangedRanges(file: string, thinBlockSize?: number): Range[] {
  let text: string
  try {
    text = fs.readFileSync(file === '-' ? 0 : file, 'utf8')
  } catch (err) {
    throw ioError(err, file === '-' ? 'stdin' : file)
  }
  return parseChangedRanges(text, thinBlockSize).ranges
}
