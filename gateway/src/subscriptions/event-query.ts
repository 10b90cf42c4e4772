import { createHash } from 'node:crypto';
import {
  Kind,
  OperationTypeNode,
  parseType,
  print,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type VariableDefinitionNode,
} from 'graphql';
import type { LiveField, LiveLookup } from './live-schema';

/** How one response key of the payload is filled: from the thin event, or through a root lookup. */
export type PayloadEntry =
  | { kind: 'copy'; responseKey: string; fieldName: string }
  | { kind: 'lookup'; responseKey: string; lookup: LiveLookup; nodes: readonly FieldNode[] };

/** A client's subscription reduced to what each event needs: the payload's entries and the operation they came from. */
export interface SelectionPlan {
  field: LiveField;
  /** The root field's response key (its alias or name) in every result sent to the client. */
  rootKey: string;
  entries: PayloadEntry[];
  operation: OperationDefinitionNode;
  fragments: FragmentDefinitionNode[];
}

/** A query resolving the entities of `count` events at once, ready for the gateway's executor. */
export interface EventQuery {
  document: DocumentNode;
  source: string;
  queryHash: string;
  /** Variable name of event `i`'s entity for payload entry `responseKey`. */
  variableFor(i: number, responseKey: string): string;
  /** Response key of event `i`'s entity for payload entry `responseKey`. */
  aliasFor(i: number, responseKey: string): string;
}

const aliasFor = (i: number, key: string) => `_live${i}_${key}`;

/**
 * Rewrites the client's selection under each entity field of the payload into a field of one query
 * through the public root lookup (`post(id:)`, `user(id:)`), once per event, so the gateway's own query
 * planner resolves every event of a batch in one operation. The text depends only on the client's
 * operation and the batch size, so its query plan is planned once and then found in the plan cache.
 */
export function buildEventQuery(plan: SelectionPlan, count: number, schema: GraphQLSchema): EventQuery {
  const variableDefinitions: VariableDefinitionNode[] = [...(plan.operation.variableDefinitions ?? [])];
  const selections: FieldNode[] = [];
  for (let i = 0; i < count; i++) {
    for (const entry of plan.entries) {
      if (entry.kind !== 'lookup') continue;
      const name = aliasFor(i, entry.responseKey);
      variableDefinitions.push({
        kind: Kind.VARIABLE_DEFINITION,
        variable: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: name } },
        type: parseType(idTypeOf(schema, entry.lookup.query)),
      });
      selections.push({
        kind: Kind.FIELD,
        alias: { kind: Kind.NAME, value: name },
        name: { kind: Kind.NAME, value: entry.lookup.query },
        arguments: [
          {
            kind: Kind.ARGUMENT,
            name: { kind: Kind.NAME, value: 'id' },
            value: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: name } },
          },
        ],
        selectionSet: { kind: Kind.SELECTION_SET, selections: entry.nodes.flatMap((n) => n.selectionSet?.selections ?? []) },
      });
    }
  }
  const document: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [
      {
        kind: Kind.OPERATION_DEFINITION,
        operation: OperationTypeNode.QUERY,
        name: { kind: Kind.NAME, value: 'LiveEvents' },
        variableDefinitions,
        selectionSet: { kind: Kind.SELECTION_SET, selections },
      },
      ...plan.fragments,
    ],
  };
  const source = print(document);
  return {
    document,
    source,
    queryHash: createHash('sha256').update(source).digest('hex'),
    variableFor: aliasFor,
    aliasFor,
  };
}

/** The printed type of the lookup field's `id` argument (e.g. "ID!"), so the query's variables match it. */
function idTypeOf(schema: GraphQLSchema, queryField: string): string {
  const fields = schema.getQueryType()?.getFields() ?? {};
  const arg = fields[queryField]?.args.find((a) => a.name === 'id');
  if (!arg) throw new Error(`@liveLookup names Query.${queryField}(id:), which the supergraph does not have`);
  return arg.type.toString();
}
