/** The S3 adapter of the backup object store (core/backup/object-store.ts); the bucket encrypts by default. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { BackupObjectStore } from '../core/backup/object-store.js';

/** Streams each file to `s3://<bucket>/<key>` in one PutObject (S3 takes up to 5 GB per put). */
export class S3ObjectStore implements BackupObjectStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async put(key: string, file: string, contentType: string): Promise<void> {
    const { size } = await stat(file);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: createReadStream(file),
        ContentLength: size,
        ContentType: contentType,
      }),
    );
  }
}
