import {
  getNamedType,
  getVariableValues,
  isCompositeType,
  isObjectType,
  isInterfaceType,
  Kind,
  valueFromAST,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type FieldNode,
  type SelectionSetNode,
} from 'graphql';

/** A connection read without `first`/`last` returns this many items (the subgraphs' default). */
export const DEFAULT_PAGE_SIZE = 20;
/** The subgraphs refuse larger pages, so no operation can ask for more. */
export const MAX_PAGE_SIZE = 100;

export interface OperationCost {
  /** Points charged: one per connection page the operation can fetch, at least 1 (GitHub's rule without its /100). */
  cost: number;
  /** The most items all its connections together can return. */
  nodes: number;
}

/**
 * The cost of an operation before it runs, GitHub style: a connection (a field with a `first` or
 * `last` argument) costs one request for every parent it is read on, and multiplies what is read
 * beneath it by its page size. `user { posts(first: 10) { edges { node { comments(first: 5) } } } }`
 * is 1 + 10 = 11 points and 10 + 10 x 5 = 60 nodes. Plain fields and lists are free.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
): OperationCost {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  // Coerced like execution will (defaults applied); invalid variables fail later, in execution, so count them as absent.
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
  const vars = coerced.coerced ?? {};
  let requests = 0;
  let nodes = 0;

  const walk = (selectionSet: SelectionSetNode, parent: GraphQLNamedType, multiplier: number, seen: Set<string>) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const field = fieldOf(parent, selection.name.value);
        if (!field) continue; // __typename and introspection fields
        const pageSize = pageSizeOf(selection, field, vars);
        let childMultiplier = multiplier;
        if (pageSize !== null) {
          requests += multiplier;
          nodes += multiplier * pageSize;
          childMultiplier = multiplier * pageSize;
        }
        const type = getNamedType(field.type);
        if (selection.selectionSet && isCompositeType(type)) walk(selection.selectionSet, type, childMultiplier, seen);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? (schema.getType(selection.typeCondition.name.value) ?? parent) : parent;
        walk(selection.selectionSet, type, multiplier, seen);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || seen.has(fragment.name.value)) continue; // validation already refuses cycles
        const type = schema.getType(fragment.typeCondition.name.value) ?? parent;
        walk(fragment.selectionSet, type, multiplier, new Set([...seen, fragment.name.value]));
      }
    }
  };

  const root = schema.getRootType(operation.operation);
  if (root) walk(operation.selectionSet, root, 1, new Set());
  return { cost: Math.max(1, requests), nodes };
}

function fieldOf(parent: GraphQLNamedType, name: string): GraphQLField<unknown, unknown> | undefined {
  return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
}

/** The page size a connection field asks for, or null when the field is not a connection. */
function pageSizeOf(node: FieldNode, field: GraphQLField<unknown, unknown>, vars: Record<string, unknown>): number | null {
  const pageArgs = field.args.filter((a) => a.name === 'first' || a.name === 'last');
  if (!pageArgs.length) return null;
  let size: number | undefined;
  for (const arg of pageArgs) {
    const given = node.arguments?.find((a) => a.name.value === arg.name);
    const value = given ? valueFromAST(given.value, arg.type, vars) : arg.defaultValue;
    if (typeof value === 'number') size = Math.max(size ?? 0, value);
  }
  return Math.min(MAX_PAGE_SIZE, Math.max(0, size ?? DEFAULT_PAGE_SIZE));
}
