/**
 * The few CBOR (RFC 8949) encodings a WebAuthn authenticator emits: unsigned/negative ints, byte and text strings,
 * maps. Enough for `attestationObject` and a COSE EC2 key; test support only, never used to parse untrusted input.
 */
/** A CBOR value this encoder supports. */
export type Cbor = number | string | Uint8Array | Map<number, Cbor> | Map<string, Cbor>;

function head(major: number, length: number): number[] {
  const m = major << 5;
  if (length < 24) return [m | length];
  if (length < 0x100) return [m | 24, length];
  if (length < 0x10000) return [m | 25, length >> 8, length & 0xff];
  return [m | 26, (length >>> 24) & 0xff, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff];
}

/** Encodes one value. */
export function encodeCbor(value: Cbor): Uint8Array {
  const out: number[] = [];
  const put = (v: Cbor) => {
    if (typeof v === 'number') {
      if (!Number.isInteger(v)) throw new Error('cbor: only integers');
      if (v >= 0) out.push(...head(0, v));
      else out.push(...head(1, -1 - v));
    } else if (typeof v === 'string') {
      const bytes = new TextEncoder().encode(v);
      out.push(...head(3, bytes.length), ...bytes);
    } else if (v instanceof Uint8Array) {
      out.push(...head(2, v.length), ...v);
    } else {
      out.push(...head(5, v.size));
      for (const [k, x] of v as Map<number | string, Cbor>) {
        put(k);
        put(x);
      }
    }
  };
  put(value);
  return Uint8Array.from(out);
}
