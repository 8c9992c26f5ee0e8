// What the stack costs beyond the AWS free tier, in one line for `plan` and `init`. Prices are
// the published list prices in us-east-1 when this was written (https://aws.amazon.com/cognito/pricing/);
// the line says "about" and links the page, since AWS changes them and they vary by region.
import { DEFAULT_TIER, type Inputs, type TIERS } from '../config/schema.js';

const PER_MAU: Record<(typeof TIERS)[number], string> = {
  lite: 'Lite plan: 10,000 monthly active users free, then about $0.0055 each',
  essentials: 'Essentials plan: 10,000 monthly active users free, then about $0.015 each',
  plus: 'Plus plan: about $0.02 per monthly active user, no free tier',
};

export function costLine(inputs: Inputs): string {
  const tier = inputs.tier ?? DEFAULT_TIER;
  const m2m = inputs.m2mClient
    ? 'the M2M client costs about $6 a month plus about $0.00225 per 1,000 tokens'
    : 'no M2M client (--m2m-client would add about $6 a month)';
  return `Cost beyond the free tier: user pool on the ${PER_MAU[tier]}; ${m2m}; Lambda, API Gateway and CloudWatch Logs stay within their free tiers at tutorial use (https://aws.amazon.com/cognito/pricing/).`;
}
