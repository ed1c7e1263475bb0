import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runOrFail } from './install.js';

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/**
 * Builds a Maven module under infra/local/java when its pom or sources are newer than its classpath file, and returns
 * the runtime classpath (module jar first, when it has one). Jars come from ~/.m2, which Maven keeps between runs.
 */
export async function ensureMavenModule(component: string, moduleDir: string): Promise<string> {
  const classpathFile = join(moduleDir, 'target', 'classpath.txt');
  const inputs = [join(moduleDir, 'pom.xml'), ...filesUnder(join(moduleDir, 'src'))];
  const newestInput = Math.max(...inputs.map((f) => statSync(f).mtimeMs));
  const stale = !existsSync(classpathFile) || statSync(classpathFile).mtimeMs < newestInput;
  if (stale) {
    // Maven Central answers 429 under bursts: retry inside Maven and around it.
    await runOrFail(
      component,
      'mvn',
      ['-B', '-q', '-Dmaven.wagon.http.retryHandler.count=5', 'package', '-DskipTests'],
      {
        cwd: moduleDir,
        attempts: 3,
      },
    );
  }
  const deps = readFileSync(classpathFile, 'utf8').trim();
  const jar = readdirSync(join(moduleDir, 'target')).find((f) => f.endsWith('.jar'));
  return jar ? `${join(moduleDir, 'target', jar)}:${deps}` : deps;
}
