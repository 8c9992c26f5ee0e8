// The machine-to-machine app client (only when the inputs ask for one): its own client, because
// `client_credentials` may not share a client with the code flow. It holds the custom scopes plus
// a verify-only scope that GET / does not require, so `verify` can get an access token without
// the method's scope. Cognito bills such clients monthly: the command layer warns before creating it (commands/notices.ts).
import { verifyNoAccessScope } from '../config/schema.js';
import { fullScopes, type App } from './app.js';
import { appClientStep } from './client.js';

export interface M2mClientRecord extends Record<string, unknown> {
  id: string;
}

export const m2mClientName = (app: App): string => `${app.stack}-m2m-client`;

export function desiredM2mClient(app: App) {
  return {
    AllowedOAuthFlows: ['client_credentials'] as ('code' | 'implicit' | 'client_credentials')[],
    AllowedOAuthFlowsUserPoolClient: true,
    // client_credentials grants only resource-server scopes: no openid.
    AllowedOAuthScopes: [...fullScopes(app.inputs), verifyNoAccessScope(app.inputs)],
    SupportedIdentityProviders: ['COGNITO'],
  };
}

export const m2mClientStep = appClientStep({
  key: 'm2mClient',
  title: 'M2M app client (client credentials)',
  name: m2mClientName,
  desired: desiredM2mClient,
  explicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
});
