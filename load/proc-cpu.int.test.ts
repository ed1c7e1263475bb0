import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jvmJitCpuMs, treeCpuMs } from './proc-cpu.js';

const dir = mkdtempSync(join(tmpdir(), 'graphgate-jit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('jvmJitCpuMs', () => {
  it("reads the CPU of a running JVM's JIT compiler threads, a part of its whole CPU", async () => {
    // A source-file launch compiles the program in-process first, and the loop then gets hot: both keep the JIT busy.
    const source = join(dir, 'Spin.java');
    writeFileSync(
      source,
      `public class Spin { public static void main(String[] a) throws Exception {
  long x = 0; long end = System.nanoTime() + 1_500_000_000L;
  while (System.nanoTime() < end) for (int i = 0; i < 1000; i++) x += Long.toString(i * x).hashCode();
  System.out.println("spun " + x); System.in.read(); } }`,
    );
    const java = spawn('java', ['-XX:-UseDynamicNumberOfCompilerThreads', source], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        java.stdout.on('data', (d: Buffer) => d.toString().includes('spun') && resolve());
        java.on('exit', (code) => reject(new Error(`java exited (${code}) before it spun`)));
      });
      const jit = jvmJitCpuMs(java.pid);
      expect(jit).toBeGreaterThan(0);
      expect(jit).toBeLessThanOrEqual(treeCpuMs(java.pid));
    } finally {
      java.kill();
    }
  }, 60_000);

  it('throws for a process that is not running: a missing reading is never zero', () => {
    expect(() => jvmJitCpuMs(2 ** 22 + 17)).toThrow(/gone/);
    expect(() => jvmJitCpuMs(undefined)).toThrow(/no pid/);
  });
});
