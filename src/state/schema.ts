// The state file: what a stack is (its inputs, never secrets) and what exists (ids per step).
import * as z from 'zod/mini';
import { inputsSchema } from '../config/schema.js';

export const STATE_VERSION = 1;
export const TOOL = 'cognito-scope-setup';

export const stateSchema = z.object({
  version: z.literal(STATE_VERSION),
  tool: z.literal(TOOL),
  stack: z.string(),
  region: z.string(),
  accountId: z.string(),
  endpoint: z.optional(z.string()),
  inputs: inputsSchema,
  domainPrefixGenerated: z._default(z.boolean(), false),
  /** Per step key: the identifiers and outputs it recorded. */
  resources: z.record(z.string(), z.record(z.string(), z.unknown())),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export type State = z.infer<typeof stateSchema>;
export type StepRecord = Record<string, unknown>;
