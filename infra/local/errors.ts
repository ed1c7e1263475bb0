/** Base error of the local twin; the CLI prints `message` and exits non-zero. */
export class TwinError extends Error {
  override name = 'TwinError';
}

/**
 * A component that could not be installed or started. The message names the component, the command that failed, the
 * port and the log file, so a person can act on it without reading code.
 */
export class ComponentFailedError extends TwinError {
  override name = 'ComponentFailedError';
  constructor(
    readonly component: string,
    readonly detail: { what: string; command?: string; port?: number; logFile?: string },
    options?: { cause?: unknown },
  ) {
    const parts = [`${component}: ${detail.what}`];
    if (detail.command) parts.push(`command: ${detail.command}`);
    if (detail.port !== undefined) parts.push(`port: ${detail.port}`);
    if (detail.logFile) parts.push(`log: ${detail.logFile}`);
    super(parts.join('\n  '), options);
  }
}

/** The port a component wants is taken by another process. */
export class PortInUseError extends ComponentFailedError {
  override name = 'PortInUseError';
  constructor(component: string, port: number) {
    super(component, { what: `port ${port} on 127.0.0.1 is already in use by another process`, port });
  }
}
