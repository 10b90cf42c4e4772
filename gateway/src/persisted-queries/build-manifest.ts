import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  Kind,
  parse,
  print,
  validate,
  visit,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { sha256Hex, type PersistedQueryManifest } from './manifest';

export interface OperationSource {
  file: string;
  text: string;
}

/** Every .graphql file under a folder (our clients' operations and fragments), in a stable order. */
export function readOperationSources(folder: string): OperationSource[] {
  return (readdirSync(folder, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => ({ file: path.join(folder, f), text: readFileSync(path.join(folder, f), 'utf8') }));
}

/**
 * Apollo's persisted-query manifest (version 1) from client operation files: one entry per named
 * operation, its body the operation plus the fragments it uses (printed, so formatting and comments do
 * not change ids), its id the sha256 of that body, as Apollo's generator and APQ compute it.
 */
export function buildManifest(sources: OperationSource[]): PersistedQueryManifest {
  const operations: OperationDefinitionNode[] = [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const { file, text } of sources) {
    for (const def of parse(text).definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) {
        if (fragments.has(def.name.value)) throw new Error(`${file}: fragment ${def.name.value} is defined twice`);
        fragments.set(def.name.value, def);
      } else if (def.kind === Kind.OPERATION_DEFINITION) {
        if (!def.name) throw new Error(`${file}: every operation needs a name (it identifies it in logs and in the manifest)`);
        if (operations.some((op) => op.name?.value === def.name!.value))
          throw new Error(`${file}: operation ${def.name.value} is defined twice`);
        operations.push(def);
      }
    }
  }
  return {
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: operations
      .map((op) => {
        const body = print({ kind: Kind.DOCUMENT, definitions: [op, ...usedFragments(op, fragments)] });
        return { id: sha256Hex(body), name: op.name!.value, type: op.operation, body };
      })
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

function usedFragments(op: OperationDefinitionNode, all: Map<string, FragmentDefinitionNode>): FragmentDefinitionNode[] {
  const used = new Map<string, FragmentDefinitionNode>();
  const collect = (node: OperationDefinitionNode | FragmentDefinitionNode) =>
    visit(node, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        const fragment = all.get(name);
        if (!fragment) throw new Error(`operation ${op.name?.value}: fragment ${name} is not defined in any client file`);
        if (used.has(name)) return;
        used.set(name, fragment);
        collect(fragment);
      },
    });
  collect(op);
  return [...used.values()].sort((a, b) => a.name.value.localeCompare(b.name.value));
}

/** The operations of a manifest that are not valid against a schema, with why. */
export function invalidOperations(manifest: PersistedQueryManifest, schema: GraphQLSchema): string[] {
  return manifest.operations.flatMap((op) => {
    let document: DocumentNode;
    try {
      document = parse(op.body);
    } catch (err) {
      return [`${op.name}: ${(err as Error).message}`];
    }
    return validate(schema, document).map((e) => `${op.name}: ${e.message}`);
  });
}
