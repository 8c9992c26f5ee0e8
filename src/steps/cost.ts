// What the stack costs beyond the AWS free tier, as data for `plan` and `init` (the command layer,
// src/commands/notices.ts, says it in one line). Prices are the published list prices in us-east-1
// when this was written (https://aws.amazon.com/cognito/pricing/); the words say "about" and link
// the page, since AWS changes them and they vary by region.
import { DEFAULT_TIER, type Inputs, type TIERS } from '../config/schema.js';

export const PRICING_URL = 'https://aws.amazon.com/cognito/pricing/';

const PER_MAU: Record<(typeof TIERS)[number], string> = {
  lite: 'Lite plan: 10,000 monthly active users free, then about $0.0055 each',
  essentials: 'Essentials plan: 10,000 monthly active users free, then about $0.015 each',
  plus: 'Plus plan: about $0.02 per monthly active user, no free tier',
};

export interface Cost {
  /** The user pool's feature plan and its price per monthly active user, in words. */
  userPool: string;
  /** Whether this stack has the billed M2M client. */
  m2mClient: boolean;
  /** What an M2M client costs: monthly, and per token request. */
  m2mMonthly: string;
  m2mPerTokens: string;
}

export function costOf(inputs: Inputs): Cost {
  return { userPool: PER_MAU[inputs.tier ?? DEFAULT_TIER], m2mClient: inputs.m2mClient === true, m2mMonthly: 'about $6 a month', m2mPerTokens: 'about $0.00225 per 1,000 tokens' };
}
