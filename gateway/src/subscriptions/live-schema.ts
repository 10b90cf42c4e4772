import { Kind, parse, type DirectiveNode, type ObjectTypeDefinitionNode } from 'graphql';

/** An entity field of an event payload, resolved through a public root lookup field (`post(id:)`, `user(id:)`). */
export interface LiveLookup {
  /** The Query field to call, e.g. "post". */
  query: string;
  /** Where the entity's id is in the thin live event, e.g. "postId". */
  idFrom: string;
  /** True when the payload field is non-null: an event whose entity resolves to null is not delivered. */
  required: boolean;
}

/** Subjects a field listens on besides its own, chosen per viewer by an internal root field (`@liveSubjectsFrom`). */
export interface LiveSubjectsFrom {
  /** Internal Query field taking `userId`, returning ids, e.g. "_followedVipIds". */
  ids: string;
  /** Subject template with an `{id}` placeholder, one subject per id, e.g. "live.author.{id}.posted". */
  subject: string;
  /** Subject template (as `LiveField.subject`) whose events mean "ask for the ids again". */
  refresh: string;
}

/** One Subscription field as the supergraph declares it. */
export interface LiveField {
  name: string;
  /** Subject template with `{args.<name>}` and `{viewer.id}` placeholders, e.g. "live.post.{args.postId}.liked". */
  subject: string;
  /** The payload (event) object type's name. */
  payloadType: string;
  /** Payload fields resolved through the supergraph, by field name; every other field is copied from the event. */
  lookups: Map<string, LiveLookup>;
  subjectsFrom?: LiveSubjectsFrom;
}

/**
 * Reads the live mapping from the composed supergraph: each Subscription field's `@liveSubject` (and
 * `@liveSubjectsFrom`) and each payload field's `@liveLookup` (declared in the owning subgraph and kept in the supergraph by
 * `@composeDirective`), so the gateway keeps no hand-written table of subjects.
 */
export function readLiveFields(supergraphSdl: string): Map<string, LiveField> {
  const doc = parse(supergraphSdl);
  const objects = new Map<string, ObjectTypeDefinitionNode>();
  for (const def of doc.definitions) {
    if (def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.OBJECT_TYPE_EXTENSION)
      objects.set(def.name.value, def as ObjectTypeDefinitionNode);
  }
  const fields = new Map<string, LiveField>();
  for (const field of objects.get('Subscription')?.fields ?? []) {
    const subject = stringArg(field.directives, 'liveSubject', 'subject');
    if (!subject) throw new Error(`Subscription.${field.name.value} has no @liveSubject: the gateway cannot serve it`);
    const payloadType = namedType(field.type);
    const lookups = new Map<string, LiveLookup>();
    for (const payloadField of objects.get(payloadType)?.fields ?? []) {
      const query = stringArg(payloadField.directives, 'liveLookup', 'query');
      const idFrom = stringArg(payloadField.directives, 'liveLookup', 'id');
      if (query && idFrom) lookups.set(payloadField.name.value, { query, idFrom, required: payloadField.type.kind === Kind.NON_NULL_TYPE });
    }
    const from = (arg: string) => stringArg(field.directives, 'liveSubjectsFrom', arg);
    const [ids, each, refresh] = [from('ids'), from('subject'), from('refresh')];
    const subjectsFrom = ids && each && refresh ? { ids, subject: each, refresh } : undefined;
    fields.set(field.name.value, { name: field.name.value, subject, payloadType, lookups, ...(subjectsFrom ? { subjectsFrom } : {}) });
  }
  return fields;
}

function stringArg(directives: readonly DirectiveNode[] | undefined, directive: string, arg: string): string | undefined {
  const value = directives?.find((d) => d.name.value === directive)?.arguments?.find((a) => a.name.value === arg)?.value;
  return value?.kind === Kind.STRING ? value.value : undefined;
}

function namedType(
  type: ObjectTypeDefinitionNode['fields'] extends readonly (infer F)[] | undefined ? (F extends { type: infer T } ? T : never) : never,
): string {
  let t = type;
  while (t.kind !== Kind.NAMED_TYPE) t = t.type;
  return t.name.value;
}
