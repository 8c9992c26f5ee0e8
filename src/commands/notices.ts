// What `init` and `plan` tell the user before anything is created, in the command line's words:
// the cost line and the billing warning of an M2M client. The prices are data of the steps
// (src/steps/cost.ts); the flags are named here.
import type { Inputs } from '../config/schema.js';
import { costOf, PRICING_URL } from '../steps/cost.js';

export const M2M_BILLING_WARNING =
  'warning: --m2m-client creates an app client for the client_credentials grant. Cognito bills machine-to-machine app clients ' +
  'monthly (about $6 per client per month) plus a fee per token request, even on the free tier. `destroy` removes it.';

export function costLine(inputs: Inputs): string {
  const c = costOf(inputs);
  const m2m = c.m2mClient ? `the M2M client costs ${c.m2mMonthly} plus ${c.m2mPerTokens}` : `no M2M client (--m2m-client would add ${c.m2mMonthly})`;
  return `Cost beyond the free tier: user pool on the ${c.userPool}; ${m2m}; Lambda, API Gateway and CloudWatch Logs stay within their free tiers at tutorial use (${PRICING_URL}).`;
}
