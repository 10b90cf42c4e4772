import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { ParseOptions, ValidationRule } from 'graphql';
import type { GatewayConfig } from '../config';

export type LimitsConfig = Pick<
  GatewayConfig,
  'NODE_ENV' | 'LIMIT_MAX_DEPTH' | 'LIMIT_MAX_ALIASES' | 'LIMIT_MAX_DIRECTIVES' | 'LIMIT_MAX_TOKENS' | 'LIMIT_MAX_COST'
>;

export interface Limits<C extends BaseContext> {
  plugins: ApolloServerPlugin<C>[];
  validationRules: ValidationRule[];
  /** For ApolloServer's parseOptions: the parser stops at the token limit (GRAPHQL_PARSE_FAILED, HTTP 400). */
  parseOptions: ParseOptions;
}

/**
 * The static limits every operation must pass before anything runs (GraphQL Armor): depth, aliases,
 * directives, tokens (counted while parsing, so a huge document is refused before it is fully
 * parsed) and cost (static, from the document alone). A refused operation gets GRAPHQL_VALIDATION_FAILED with the limit in its message
 * (limits are not secret: a client developer needs them). Field suggestions ("Did you mean ...?")
 * are masked in production and on public surfaces, where they would map the schema for an attacker.
 * Part A's public endpoint calls this with {public: true}.
 */
export function buildLimits<C extends BaseContext>(config: LimitsConfig, surface: { public: boolean }): Limits<C> {
  const armor = new ApolloArmor({
    maxDepth: { n: config.LIMIT_MAX_DEPTH, exposeLimits: true, flattenFragments: true },
    maxAliases: { n: config.LIMIT_MAX_ALIASES, exposeLimits: true },
    maxDirectives: { n: config.LIMIT_MAX_DIRECTIVES, exposeLimits: true },
    // Tokens are counted by graphql-js's own parser (parseOptions below): Armor's Apollo plugin for
    // them answers HTTP 500 where a refused document deserves a 400.
    maxTokens: { enabled: false },
    costLimit: { maxCost: config.LIMIT_MAX_COST, exposeLimits: true },
    blockFieldSuggestion: { enabled: surface.public || config.NODE_ENV === 'production' },
  });
  const { plugins, validationRules } = armor.protect();
  // Armor's plugins are written for any context; they read nothing from it.
  return { plugins: plugins as ApolloServerPlugin<C>[], validationRules, parseOptions: { maxTokens: config.LIMIT_MAX_TOKENS } };
}
