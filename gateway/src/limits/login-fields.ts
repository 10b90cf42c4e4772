import {
  Kind,
  valueFromASTUntyped,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** The mutation field whose attempts are throttled. */
export const LOGIN_FIELD = 'login';

/**
 * The accounts a mutation tries to log into, one entry per `login` field at its root (through
 * aliases, inline fragments and fragment spreads), so `a: login(...) b: login(...)` counts twice.
 * The account is the input's handleOrEmail (lower-cased: handles are case-insensitive), or the
 * first string argument for other login shapes; "?" when none is given (still counted per IP).
 */
export function loginAccountsOf(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
): string[] {
  if (operation.operation !== 'mutation') return [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const accounts: string[] = [];
  const visited = new Set<string>();
  const walk = (selections: SelectionSetNode) => {
    for (const sel of selections.selections) {
      if (sel.kind === Kind.INLINE_FRAGMENT) walk(sel.selectionSet);
      else if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(sel.name.value);
        if (fragment && !visited.has(fragment.name.value)) {
          visited.add(fragment.name.value);
          walk(fragment.selectionSet);
        }
      } else if (sel.name.value === LOGIN_FIELD) {
        const args = Object.fromEntries(
          (sel.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value, variables) as unknown]),
        );
        accounts.push(accountOf(args));
      }
    }
  };
  walk(operation.selectionSet);
  return accounts;
}

function accountOf(args: Record<string, unknown>): string {
  const input = args['input'] as Record<string, unknown> | undefined;
  const preferred = input?.['handleOrEmail'];
  const value = typeof preferred === 'string' ? preferred : firstString(args);
  return value?.trim().toLowerCase() || '?';
}

function firstString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) {
      const s = firstString(v);
      if (s !== undefined) return s;
    }
  }
  return undefined;
}
