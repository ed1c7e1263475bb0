/**
 * The decision entrypoints compiled into the wasm bundle. The build passes each one to
 * `opa build -e`; the engine refuses to start when the bundle lacks any of them.
 */
export const ENTRYPOINTS = [
  'graphgate/scope/decision',
  'graphgate/retention/decision',
  'graphgate/purpose/decision',
  'graphgate/licence/decision',
  'graphgate/export/decision',
  'graphgate/kanon/plan',
  'graphgate/kanon/decision',
  'graphgate/stepup/decision',
  'graphgate/write/decision',
] as const;

/** One of the compiled decision entrypoints. */
export type Entrypoint = (typeof ENTRYPOINTS)[number];
