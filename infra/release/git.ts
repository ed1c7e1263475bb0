import { execFileSync } from 'node:child_process';
import { repoRoot } from '../local/paths.js';

const git = (args: string[]): string | undefined => {
  try {
    return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
};

/** The checked-out commit, whether the tree has uncommitted changes, and the origin URL if there is one. */
export function gitState(): { commit: string; dirty: boolean; origin: string | undefined } {
  const status = git(['status', '--porcelain']);
  return {
    commit: git(['rev-parse', 'HEAD']) ?? 'uncommitted',
    dirty: status === undefined || status.length > 0,
    origin: git(['remote', 'get-url', 'origin']) || undefined,
  };
}
