import { readFileSync } from 'node:fs';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import YAML from 'yaml';
import { z } from 'zod';
import { publicSchemaSdl } from '@social/gateway';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const SUPERGRAPH_YAML = path.join(REPO_ROOT, 'supergraph.yaml');
export const SUPERGRAPH_GRAPHQL = path.join(REPO_ROOT, 'supergraph.graphql');
/** The third-party schema: the supergraph's elements tagged @tag(name: "public"), written next to it. */
export const PUBLIC_SCHEMA_GRAPHQL = path.join(REPO_ROOT, 'public-schema.graphql');

/** supergraph.yaml in rover's format: only the parts we use are required. */
const supergraphYaml = z.object({
  federation_version: z.string().optional(),
  subgraphs: z.record(z.string(), z.object({ routing_url: z.string().url(), schema: z.object({ file: z.string() }) })),
});

export interface CompositionResult {
  supergraphSdl: string | null;
  /** The public schema (see PUBLIC_SCHEMA_GRAPHQL); null when composition failed. */
  publicSchemaSdl: string | null;
  errors: string[];
  /** Hints at WARN level: they point at a real schema problem and fail the check. */
  warnings: string[];
  /** Hints below WARN: printed, not failed. */
  notes: string[];
}

/** @apollo/composition's HintLevel.WARN (the enum is not exported from the package root). */
const HINT_LEVEL_WARN = 60;

const HEADER = '# Composed from supergraph.yaml by `npm run compose` (@apollo/composition). Do not edit.\n';
const PUBLIC_HEADER =
  '# The public API for third parties: supergraph elements tagged @tag(name: "public"). Written by `npm run compose`. Do not edit.\n';

export function composeSupergraph(configPath = SUPERGRAPH_YAML): CompositionResult {
  const config = supergraphYaml.parse(YAML.parse(readFileSync(configPath, 'utf8')));
  const base = path.dirname(configPath);
  const services = Object.entries(config.subgraphs).map(([name, sg]) => ({
    name,
    url: sg.routing_url,
    typeDefs: parse(readFileSync(path.resolve(base, sg.schema.file), 'utf8')),
  }));
  const result = composeServices(services);
  const hints = result.hints ?? [];
  const describe = (h: (typeof hints)[number]) => `${h.definition.code}: ${h.message}`;
  return {
    supergraphSdl: result.errors ? null : HEADER + result.supergraphSdl,
    publicSchemaSdl: result.errors
      ? null
      : PUBLIC_HEADER + publicSchemaSdl(result.supergraphSdl, result.schema.toAPISchema().toGraphQLJSSchema()),
    errors: (result.errors ?? []).map((e) => e.message),
    warnings: hints.filter((h) => h.definition.level.value >= HINT_LEVEL_WARN).map(describe),
    notes: hints.filter((h) => h.definition.level.value < HINT_LEVEL_WARN).map(describe),
  };
}
