import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

/**
 * The root fields an operation selects (through fragments too). The gateway answers __schema and
 * __type from the whole API schema, so the public endpoint must see them to answer from its own.
 */
export function rootFieldNames(document: DocumentNode, operation: OperationDefinitionNode): Set<string> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const names = new Set<string>();
  const seen = new Set<string>();
  const collect = (set: SelectionSetNode) => {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) names.add(s.name.value);
      else if (s.kind === Kind.INLINE_FRAGMENT) collect(s.selectionSet);
      else if (!seen.has(s.name.value)) {
        seen.add(s.name.value);
        const fragment = fragments.get(s.name.value);
        if (fragment) collect(fragment.selectionSet);
      }
    }
  };
  collect(operation.selectionSet);
  return names;
}

const INTROSPECTION_ROOTS = new Set(['__schema', '__type']);

export type IntrospectionKind = 'none' | 'only' | 'mixed';

/** Whether an operation introspects: only (answered locally), mixed with data (refused), or none. */
export function introspectionKind(document: DocumentNode, operation: OperationDefinitionNode): IntrospectionKind {
  const names = [...rootFieldNames(document, operation)];
  const introspecting = names.filter((n) => INTROSPECTION_ROOTS.has(n)).length;
  if (!introspecting) return 'none';
  return names.every((n) => INTROSPECTION_ROOTS.has(n) || n === '__typename') ? 'only' : 'mixed';
}
