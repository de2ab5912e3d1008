type Typed = Int32Array | Float64Array | Uint8Array;

/** `array` with room for `size` entries: itself, or a copy at least twice as long. */
export function withRoom<A extends Typed>(array: A, size: number): A {
  if (size <= array.length) return array;
  const larger = new (array.constructor as new (n: number) => A)(Math.max(size, array.length * 2));
  larger.set(array);
  return larger;
}
