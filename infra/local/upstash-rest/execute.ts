import type { RespConnection } from './connection.js';
import { RestRequestError } from './errors.js';
import { assertAllowed, type Encoding, encodeReply, type ItemReply, itemReply, type RedisCommand } from './protocol.js';
import type { RestCall } from './request.js';
import { RespErrorReply, type RespValue } from './resp.js';
import type { ScriptTranslator } from './scripts.js';

/** The HTTP answer to a {@link RestCall}: status and JSON body. */
export interface RestAnswer {
  status: number;
  body: unknown;
}

type Prepared = ReturnType<ScriptTranslator['rewrite']>;

/** Applies the script translator's reply mapping to a successful reply. */
const finish = (prepared: Prepared, reply: RespValue): RespValue =>
  prepared.reply && !(reply instanceof RespErrorReply) ? prepared.reply(reply) : reply;

/**
 * Runs a call on the shared connection with Upstash semantics:
 * - one command: `200 {result}`, or `400 {error}` for an error reply;
 * - `/pipeline`: `200` and one `{result}|{error}` per command; a malformed, refused or failing command answers for
 *   itself and never spoils the others;
 * - `/multi-exec`: MULTI … EXEC in one write; an error while queuing aborts the whole transaction with `400 {error}`
 *   (nothing ran), a runtime error is that item's `{error}`.
 */
export async function execute(
  call: RestCall,
  redis: RespConnection,
  scripts: ScriptTranslator,
  encoding: Encoding,
): Promise<RestAnswer> {
  if (call.kind === 'command') {
    assertAllowed(call.command);
    const prepared = scripts.rewrite(call.command);
    const [reply] = await redis.send([prepared.command]);
    const value = finish(prepared, reply ?? null);
    if (value instanceof RespErrorReply) return { status: 400, body: { error: value.message } };
    return { status: 200, body: { result: encodeReply(value, encoding) } };
  }
  if (call.kind === 'pipeline') return { status: 200, body: await pipeline(call.commands, redis, scripts, encoding) };
  return transaction(call.commands, redis, scripts, encoding);
}

async function pipeline(
  commands: (RedisCommand | RestRequestError)[],
  redis: RespConnection,
  scripts: ScriptTranslator,
  encoding: Encoding,
): Promise<ItemReply[]> {
  const answers: ItemReply[] = new Array(commands.length);
  const sent: { index: number; prepared: Prepared }[] = [];
  commands.forEach((command, index) => {
    try {
      if (command instanceof RestRequestError) throw command;
      assertAllowed(command);
      sent.push({ index, prepared: scripts.rewrite(command) });
    } catch (err) {
      if (!(err instanceof RestRequestError)) throw err;
      answers[index] = { error: err.message };
    }
  });
  const replies = await redis.send(sent.map((s) => s.prepared.command));
  sent.forEach(({ index, prepared }, i) => {
    answers[index] = itemReply(finish(prepared, replies[i] ?? null), encoding);
  });
  return answers;
}

async function transaction(
  commands: RedisCommand[],
  redis: RespConnection,
  scripts: ScriptTranslator,
  encoding: Encoding,
): Promise<RestAnswer> {
  commands.forEach(assertAllowed);
  const prepared = commands.map((c) => scripts.rewrite(c));
  const replies = await redis.send([['MULTI'], ...prepared.map((p) => p.command), ['EXEC']]);
  const exec = replies.at(-1) ?? null;
  if (exec instanceof RespErrorReply) {
    // EXECABORT says only "previous errors"; name the first one, it is what the caller has to fix.
    const queued = replies.slice(1, -1).findIndex((r) => r instanceof RespErrorReply);
    const cause = queued >= 0 ? ` (command ${queued}: ${(replies[queued + 1] as RespErrorReply).message})` : '';
    return { status: 400, body: { error: `${exec.message}${cause}` } };
  }
  if (!Array.isArray(exec)) return { status: 400, body: { error: 'ERR transaction was not executed' } };
  return { status: 200, body: exec.map((r, i) => itemReply(finish(prepared[i]!, r), encoding)) };
}
