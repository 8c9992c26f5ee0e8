// The tutorial's "Hello World" handler, zipped in memory (deterministically, so the code hash
// only changes when the code does).
import { createHash } from 'node:crypto';
import { zipSync, strToU8 } from 'fflate';

export const PYTHON_HANDLER = `import json

def lambda_handler(event, context):
    # TODO implement
    return {
        'statusCode': 200,
        'body': json.dumps('Hello World!')
    }
`;

export const NODE_HANDLER = `export const handler = async (event) => {
  // TODO implement
  const response = {
    statusCode: 200,
    body: JSON.stringify('Hello World!'),
  };
  return response;
};
`;

export interface LambdaCode {
  zip: Uint8Array;
  handler: string;
  /** Base64 SHA-256 of the zip, as Lambda reports it in CodeSha256. */
  sha256: string;
}

const FIXED_MTIME = new Date('2020-01-01T00:00:00Z');

export function lambdaCode(runtime: string): LambdaCode {
  const python = runtime.startsWith('python');
  const file = python ? 'lambda_function.py' : 'index.mjs';
  const zip = zipSync({ [file]: [strToU8(python ? PYTHON_HANDLER : NODE_HANDLER), { mtime: FIXED_MTIME }] }, { level: 9 });
  return {
    zip,
    handler: python ? 'lambda_function.lambda_handler' : 'index.handler',
    sha256: createHash('sha256').update(zip).digest('base64'),
  };
}
