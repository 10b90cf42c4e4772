import { badInput, unauthenticated } from '@social/kit';

/** One subject token: ids and names only, so a client argument can never inject `.`, `*` or `>` into a subject. */
const SAFE_TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Fills a `@liveSubject` template: `{args.<name>}` from the field's arguments, `{viewer.id}` from the
 * signed-in viewer (so a viewer-scoped subscription can only ever be the viewer's own).
 */
export function renderSubject(template: string, args: Record<string, unknown>, viewerId: string | null): string {
  return template.replace(/\{(args|viewer)\.([A-Za-z0-9_]+)\}/g, (_m, scope: string, name: string) => {
    if (scope === 'viewer') {
      if (!viewerId) throw unauthenticated('Sign in to subscribe to this.');
      return viewerId;
    }
    const value = args[name];
    if (typeof value !== 'string' || !SAFE_TOKEN.test(value)) throw badInput(`"${name}" is not a valid id.`, name);
    return value;
  });
}

/** Fills the `{id}` of a `@liveSubjectsFrom` template; null for an id that is not a safe subject token. */
export function renderIdSubject(template: string, id: string): string | null {
  return SAFE_TOKEN.test(id) ? template.replace('{id}', id) : null;
}
