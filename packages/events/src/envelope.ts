import { z } from 'zod';
import { newId } from '@social/kit';
import { EVENT_VERSION, eventSchemas, type EventEnvelope, type EventPayload, type Subject } from './contracts';

/**
 * Builds the envelope for a publish. The payload is checked against its contract here, in the
 * publisher, so a bad event fails the code that made it instead of dead-lettering in every consumer.
 */
export function makeEnvelope<S extends Subject>(subject: S, data: EventPayload<S>, id?: string, occurredAt = new Date()): EventEnvelope<S> {
  const schema = eventSchemas[subject];
  if (!schema) throw new Error(`Unknown event subject "${subject}"`);
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    throw new Error(`Invalid payload for event "${subject}": ${z.prettifyError(parsed.error)}`);
  }
  return { id: id ?? newId(), subject, version: EVENT_VERSION, occurredAt: occurredAt.toISOString(), data };
}

const envelopeShape = z.object({
  id: z.string().min(1),
  subject: z.string(),
  version: z.number().int(),
  occurredAt: z.string(),
  data: z.unknown(),
});

export type ParsedEnvelope = { ok: true; event: EventEnvelope } | { ok: false; error: string; event: EventEnvelope | null };

/**
 * Reads a delivered message back into an envelope. Anything a consumer cannot act on (not JSON, not
 * an envelope, a subject that does not match where it was delivered, an unknown version, a payload
 * that breaks the contract) is reported, never thrown: redelivering it would fail the same way.
 */
export function parseEnvelope(raw: string, deliveredSubject: string): ParsedEnvelope {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, error: 'message is not JSON', event: null };
  }
  const shape = envelopeShape.safeParse(json);
  if (!shape.success) return { ok: false, error: `not an event envelope: ${z.prettifyError(shape.error)}`, event: null };
  const env = shape.data;
  const schema = eventSchemas[env.subject as Subject];
  if (!schema || env.subject !== deliveredSubject) {
    return { ok: false, error: `subject "${env.subject}" is not a known event subject for "${deliveredSubject}"`, event: null };
  }
  const asEnvelope = env as EventEnvelope;
  if (env.version !== EVENT_VERSION) {
    return {
      ok: false,
      error: `unsupported version ${env.version} of "${env.subject}" (this consumer reads ${EVENT_VERSION})`,
      event: asEnvelope,
    };
  }
  const data = schema.safeParse(env.data);
  if (!data.success)
    return { ok: false, error: `payload breaks the "${env.subject}" contract: ${z.prettifyError(data.error)}`, event: asEnvelope };
  return { ok: true, event: { ...asEnvelope, data: data.data } };
}
