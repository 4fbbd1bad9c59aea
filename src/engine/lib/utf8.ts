/**
 * A string's UTF-8 bytes (what a client's socket sends). The engine's TypeScript has no DOM or
 * Node library, so no TextEncoder: a lone surrogate becomes U+FFFD, as TextEncoder does.
 */
export function utf8Bytes(s: string): Uint8Array {
  const out: number[] = []
  for (const ch of s) {
    let cp = ch.codePointAt(0) as number
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd
    if (cp < 0x80) out.push(cp)
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63))
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63))
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63))
  }
  return Uint8Array.from(out)
}

/** How many bytes `s` takes in UTF-8. */
export const utf8Length = (s: string): number => utf8Bytes(s).length
