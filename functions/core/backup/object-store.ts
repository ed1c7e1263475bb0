/**
 * Where a scheduled backup is kept: a small port with two adapters — S3 for the deployed function
 * (functions/backup/s3-store.ts) and a directory for the twin and the tests.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';

/** Stores a local file under `key`. Keys are `/`-separated relative paths. */
export interface BackupObjectStore {
  put(key: string, file: string, contentType: string): Promise<void>;
}

/** A directory as the object store (the twin has no S3): the key is the path below `root`. */
export class DirectoryObjectStore implements BackupObjectStore {
  readonly #root: string;

  constructor(root: string) {
    this.#root = resolve(root);
  }

  async put(key: string, file: string): Promise<void> {
    const target = resolve(join(this.#root, key));
    if (!target.startsWith(`${this.#root}${sep}`)) throw new Error(`backup key ${key} leaves ${this.#root}`);
    await mkdir(dirname(target), { recursive: true });
    await copyFile(file, target);
  }
}
