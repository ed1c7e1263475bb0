/** Compressed NDJSON files of backups: written as a stream through gzip with a sha256 of the bytes on disk, read back line by line. */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';

export interface WrittenFile {
  /** sha256 of the compressed file, hex. */
  sha256: string;
  compressedBytes: number;
  uncompressedBytes: number;
}

/** Counts (and optionally hashes) what passes through. */
function meter(counter: { bytes: number }, hash?: Hash): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash?.update(chunk);
      counter.bytes += chunk.length;
      done(null, chunk);
    },
  });
}

/** Streams `lines` (each one JSON value) to `file` as gzip-compressed NDJSON. */
export async function writeLines(file: string, lines: AsyncIterable<unknown>): Promise<WrittenFile> {
  const raw = { bytes: 0 };
  const compressed = { bytes: 0 };
  const hash = createHash('sha256');
  async function* text(): AsyncGenerator<string> {
    for await (const line of lines) yield `${JSON.stringify(line)}\n`;
  }
  await pipeline(Readable.from(text()), meter(raw), createGzip(), meter(compressed, hash), createWriteStream(file));
  return { sha256: hash.digest('hex'), compressedBytes: compressed.bytes, uncompressedBytes: raw.bytes };
}

/** The JSON values of a gzip-compressed NDJSON file, in order. */
export async function* readLines<T>(file: string): AsyncGenerator<T> {
  const lines = createInterface({
    input: createReadStream(file).pipe(createGunzip()),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  for await (const line of lines) if (line) yield JSON.parse(line) as T;
}

/** sha256 of a file, hex, streamed. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}
