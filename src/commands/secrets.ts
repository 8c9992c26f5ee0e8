// The app clients' secrets, read live from Cognito (they are never stored): a session without
// the lock. Opened through the kernel (ctx.secrets()), which releases it after the handler.
import { explainAwsError } from './aws-errors.js';
import { CliError } from '../errors.js';
import { commandLine } from './command-line.js';
import { openSession, type GlobalOpts, type LocalStack } from './context.js';

export async function openSecrets(o: GlobalOpts, local: LocalStack) {
  const session = await openSession(o, local, { lock: false, writeState: false });
  const poolId = session.state.resources.userPool?.id as string;
  return {
    async client(clientId: string) {
      const { DescribeUserPoolClientCommand } = await import('../aws/sdk/rare.js');
      const cognito = await session.aws.cognito();
      try {
        const c = (await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId }))).UserPoolClient;
        if (!c) throw new Error(`app client ${clientId} not found`);
        return c;
      } catch (e) {
        if ((e as { name?: string }).name === 'ResourceNotFoundException') {
          throw new CliError('CLIENT_MISSING', `App client ${clientId} of stack "${session.state.stack}" no longer exists.`, `Run ${commandLine('init', { stack: session.state.stack, state: o.state, profile: o.profile })} to recreate it.`, 1, { cause: e });
        }
        throw explainAwsError(e, { endpoint: session.endpoint, profile: o.profile, region: session.state.region });
      }
    },
    release: () => session.release(),
  };
}
