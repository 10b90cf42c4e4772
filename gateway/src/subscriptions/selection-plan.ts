import {
  Kind,
  getArgumentValues,
  isObjectType,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { collectFields } from 'graphql/execution/collectFields';
import type { LiveField } from './live-schema';
import type { PayloadEntry, SelectionPlan } from './event-query';

/**
 * Reads a validated subscription operation: which live field it subscribes to, with which (coerced)
 * arguments, and how each selected payload field is filled. Fragments and @skip/@include are applied
 * here exactly as execution would apply them.
 */
export function planSelection(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  liveFields: Map<string, LiveField>,
): { plan: SelectionPlan; args: Record<string, unknown> } {
  const subscriptionType = schema.getSubscriptionType();
  if (!subscriptionType) throw new Error('The supergraph has no Subscription type');
  const fragments: Record<string, FragmentDefinitionNode> = Object.create(null) as Record<string, FragmentDefinitionNode>;
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;

  // Validation (SingleFieldSubscriptionsRule) guarantees exactly one root field.
  const [[rootKey, rootNodes]] = [...collectFields(schema, fragments, variables, subscriptionType, operation.selectionSet)] as [
    [string, readonly FieldNode[]],
  ];
  const rootNode = rootNodes[0]!;
  const fieldDef = subscriptionType.getFields()[rootNode.name.value]!;
  const field = liveFields.get(rootNode.name.value);
  if (!field) throw new Error(`Subscription.${rootNode.name.value} is not mapped to a live subject`);
  const payloadType = schema.getType(field.payloadType);
  if (!isObjectType(payloadType)) throw new Error(`The payload of Subscription.${field.name} must be an object type`);

  const entries: PayloadEntry[] = [];
  const payloadSelection = { kind: Kind.SELECTION_SET, selections: rootNodes.flatMap((n) => n.selectionSet?.selections ?? []) } as const;
  for (const [responseKey, nodes] of collectFields(schema, fragments, variables, payloadType, payloadSelection)) {
    const fieldName = nodes[0]!.name.value;
    const lookup = field.lookups.get(fieldName);
    entries.push(lookup ? { kind: 'lookup', responseKey, lookup, nodes } : { kind: 'copy', responseKey, fieldName });
  }
  return {
    plan: {
      field,
      rootKey,
      entries,
      operation,
      // Fragments on the payload type were applied above; the rest may be spread inside entity selections.
      fragments: Object.values(fragments).filter((f) => f.typeCondition.name.value !== field.payloadType),
    },
    args: getArgumentValues(fieldDef, rootNode, variables),
  };
}
