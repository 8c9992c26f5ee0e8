// The function's code: the tutorial's "Hello World" handler, or the user's own (inputs.code, in
// ./user-code.ts: a directory or a single file zipped in memory, or a .zip as it is). Zipped
// deterministically (sorted names, one fixed time stamp), so the code hash only changes when the
// code does.

export interface LambdaCode {
  zip: Uint8Array;
  handler: string;
  /** Base64 SHA-256 of the zip, as Lambda reports it in CodeSha256. */
  sha256: string;
}

/** Lambda's limit for a zip uploaded with the request (CreateFunction / UpdateFunctionCode ZipFile). */
export const MAX_ZIP_BYTES = 50 * 1024 * 1024;
/** Lambda's limit for the unzipped code. */
export const MAX_UNZIPPED_BYTES = 250 * 1024 * 1024;

export const defaultHandler = (runtime: string): string => (runtime.startsWith('python') ? 'lambda_function.lambda_handler' : 'index.handler');

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

/**
 * The tutorial's handlers zipped, with their SHA-256: exactly what ./user-code.ts makes of each
 * handler as a single file (fflate, level 9, the fixed time stamp); test/unit/steps/lambda-code.test.ts
 * zips them again and compares byte for byte. Written out so that a stack with the tutorial's code
 * never loads fflate, which builds its tables as it loads (about 4 ms of every AWS command).
 */
const TUTORIAL = {
  python: {
    file: 'lambda_function.py',
    handler: 'lambda_function.lambda_handler',
    zip: 'UEsDBBQAAAAIAAAAIVB0wjx6gwAAAJ8AAAASAAAAbGFtYmRhX2Z1bmN0aW9uLnB5RY2xCgIxEET7fMWKRe7gkMPyWi3srhEsJeeuqGyyR7IRRfx3c2mcbubNMHc/S1R4JAnGIF2BnZ/QnW8uIFNs6ElBO7hIUHppOxgoWsNx3I9Qtky+8BpG0hwDfKpZZJM6zWknSHaAbd93fzQJvku43G4w+zk19kDMAieJjCvb1urX/ABQSwECFAAUAAAACAAAACFQdMI8eoMAAACfAAAAEgAAAAAAAAAAAAAAAAAAAAAAbGFtYmRhX2Z1bmN0aW9uLnB5UEsFBgAAAAABAAEAQAAAALMAAAAAAA==',
    sha256: 'clSXCcOSvheUlpZolhpJfBzz1VeG6F2ftMFQaUKe2V4=',
  },
  node: {
    file: 'index.mjs',
    handler: 'index.handler',
    zip: 'UEsDBBQAAAAIAAAAIVAhS/rNjwAAAK0AAAAJAAAAaW5kZXgubWpzPYzNCoJAFIX3PsVppUKktFRsU4tokYuC1ubcShhn5M41GqJ3byxwczh854deg2VBa40TPBqjNDEqNM6bFgk9yUiKaoN3BGQZzvWuRtcPmvqQBPYfMrkhGArLqQg4aWR0W6uowDrPlz94tcoXOJzq48oJd+be3XwS70lri4tlrRZxOjU/ZRAmGdnMz2UU6BdQSwECFAAUAAAACAAAACFQIUv6zY8AAACtAAAACQAAAAAAAAAAAAAAAAAAAAAAaW5kZXgubWpzUEsFBgAAAAABAAEANwAAALYAAAAAAA==',
    sha256: 'Etqvxa4h5D6o0Q+xMud+0G5va/ALNMp1OZcXnmC6LyQ=',
  },
} as const;

export function lambdaCode(runtime: string): LambdaCode {
  const t = runtime.startsWith('python') ? TUTORIAL.python : TUTORIAL.node;
  return { zip: new Uint8Array(Buffer.from(t.zip, 'base64')), handler: t.handler, sha256: t.sha256 };
}

/** The function's code for these inputs: the user's (inputs.code; loads fflate), else the tutorial's. */
export async function codeFor(inputs: { runtime: string; code?: string; handler?: string }): Promise<LambdaCode> {
  return inputs.code ? (await import('./user-code.js')).userCode(inputs.code, inputs.runtime, inputs.handler) : lambdaCode(inputs.runtime);
}
