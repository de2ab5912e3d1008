declare const crypto: { getRandomValues<T extends Uint8Array>(array: T): T };

let lastMs = -1;
let counter = 0;

/**
 * A new id: a uuid v7 (RFC 9562): 48 bits of epoch ms, then a 12-bit counter that
 * keeps ids made in the same ms in order (method 1 of §6.2), then 62 random bits.
 * Time-ordered ids let the buffer restore its queue in order and let the collector's
 * unique index grow at its end. Written here rather than taken from the uuid package,
 * whose general v7 (options, buffers, messages) is twice the size of this whole
 * function in the script-tag bundle; the format is checked by the tests.
 */
export function newId(now = Date.now()): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  if (now > lastMs) {
    lastMs = now;
    counter = b[6]! & 0x07; // a random start, with room to count up
  } else if (++counter > 0xfff) {
    lastMs++;
    counter = 0;
  }
  for (let i = 5, t = lastMs; i >= 0; i--, t = Math.floor(t / 256)) b[i] = t % 256;
  b[6] = 0x70 | (counter >> 8);
  b[7] = counter & 0xff;
  b[8] = 0x80 | (b[8]! & 0x3f);
  let h = '';
  // A dash after bytes 3, 5, 7 and 9: the bits of 0x2a8.
  for (let i = 0; i < 16; i++) h += (b[i]! + 256).toString(16).slice(1) + ((0x2a8 >> i) & 1 ? '-' : '');
  return h;
}
