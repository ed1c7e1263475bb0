/**
 * A software WebAuthn authenticator on WebCrypto P-256 (ES256), for Node integration tests of the ceremonies and the
 * benchmarks that need a step-up grant (LOCAL DEVELOPMENT only: never bundled into a deployable). It
 * produces the same JSON a browser's @simplewebauthn/browser would send, with knobs to misbehave: a counter that
 * stays at 0, a counter set backwards, a tampered signature.
 */
import { createHash, randomBytes, webcrypto } from 'node:crypto';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { encodeCbor } from './cbor.js';

const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const sha256 = (b: Uint8Array | string) => new Uint8Array(createHash('sha256').update(b).digest());
const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

function u32(n: number): Uint8Array {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return new Uint8Array(b);
}

/** WebCrypto signs ECDSA as r‖s; WebAuthn wants ASN.1 DER. */
function derSignature(raw: Uint8Array): Uint8Array {
  const int = (x: Uint8Array) => {
    let i = 0;
    while (i < x.length - 1 && x[i] === 0) i++;
    const v = x.subarray(i);
    return (v[0] ?? 0) & 0x80 ? concat(Uint8Array.of(0), v) : v;
  };
  const r = int(raw.subarray(0, 32));
  const s = int(raw.subarray(32));
  const body = concat(Uint8Array.of(0x02, r.length), r, Uint8Array.of(0x02, s.length), s);
  return concat(Uint8Array.of(0x30, body.length), body);
}

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

export interface SoftAuthenticatorOptions {
  /** Page origin put in clientDataJSON, e.g. `http://localhost:8080`. */
  origin: string;
  /** `increment` (default) counts up per assertion; `zero` always reports 0 like many platform authenticators. */
  counter?: 'increment' | 'zero';
}

/** One authenticator holding one credential once `register` has run. */
export class SoftAuthenticator {
  readonly #origin: string;
  readonly #mode: 'increment' | 'zero';
  #key: webcrypto.CryptoKeyPair | undefined;
  #credentialId = new Uint8Array(randomBytes(16));
  /** The next assertion reports this counter (+1 first when counting); tests set it backwards. */
  signCount = 0;

  constructor(options: SoftAuthenticatorOptions) {
    this.#origin = options.origin;
    this.#mode = options.counter ?? 'increment';
  }

  /** base64url credential id. */
  get credentialId(): string {
    return b64u(this.#credentialId);
  }

  #clientData(type: string, challenge: string): Uint8Array {
    return new TextEncoder().encode(JSON.stringify({ type, challenge, origin: this.#origin, crossOrigin: false }));
  }

  /** Creates a key pair and answers `navigator.credentials.create` for these options. */
  async register(options: PublicKeyCredentialCreationOptionsJSON): Promise<RegistrationResponseJSON> {
    this.#key = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ])) as webcrypto.CryptoKeyPair;
    const jwk = await webcrypto.subtle.exportKey('jwk', this.#key.publicKey);
    const cose = encodeCbor(
      new Map<number, number | Uint8Array>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, new Uint8Array(Buffer.from(jwk.x!, 'base64url'))],
        [-3, new Uint8Array(Buffer.from(jwk.y!, 'base64url'))],
      ]),
    );
    const idLength = Uint8Array.of(this.#credentialId.length >> 8, this.#credentialId.length & 0xff);
    const authData = concat(
      sha256(options.rp.id ?? new URL(this.#origin).hostname),
      Uint8Array.of(FLAG_UP | FLAG_UV | FLAG_AT),
      u32(0),
      new Uint8Array(16), // aaguid: none
      idLength,
      this.#credentialId,
      cose,
    );
    const attestationObject = encodeCbor(
      new Map<string, string | Uint8Array | Map<string, string>>([
        ['fmt', 'none'],
        ['attStmt', new Map<string, string>()],
        ['authData', authData],
      ]),
    );
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: 'public-key',
      response: {
        clientDataJSON: b64u(this.#clientData('webauthn.create', options.challenge)),
        attestationObject: b64u(attestationObject),
        transports: ['internal'],
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  /** Answers `navigator.credentials.get`; `tamper` flips a bit of the signature. */
  async authenticate(
    options: PublicKeyCredentialRequestOptionsJSON,
    knobs: { tamper?: boolean; rpId?: string } = {},
  ): Promise<AuthenticationResponseJSON> {
    if (!this.#key) throw new Error('soft authenticator: register first');
    if (this.#mode === 'increment') this.signCount += 1;
    const count = this.#mode === 'zero' ? 0 : this.signCount;
    const rpId = knobs.rpId ?? options.rpId ?? new URL(this.#origin).hostname;
    const authData = concat(sha256(rpId), Uint8Array.of(FLAG_UP | FLAG_UV), u32(count));
    const clientData = this.#clientData('webauthn.get', options.challenge);
    const raw = new Uint8Array(
      await webcrypto.subtle.sign(
        { name: 'ECDSA', hash: 'SHA-256' },
        this.#key.privateKey,
        concat(authData, sha256(clientData)),
      ),
    );
    const signature = derSignature(raw);
    if (knobs.tamper) signature[signature.length - 1]! ^= 0x01;
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: 'public-key',
      response: {
        clientDataJSON: b64u(clientData),
        authenticatorData: b64u(authData),
        signature: b64u(signature),
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }
}
