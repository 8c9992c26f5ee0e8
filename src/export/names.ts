// Logical ids and names in the exported template: names relative to ${StackName} and the region.
import type { YamlValue } from './yaml.js';

type Doc = { [key: string]: YamlValue };
const sub = (s: string): Doc => ({ 'Fn::Sub': s });

/** CloudFormation logical ids: alphanumeric. */
function logicalPart(s: string): string {
  const words = s.replace(/\{([^}]+)\}/g, 'By $1').split(/[^A-Za-z0-9]+/).filter(Boolean);
  return words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('') || 'Root';
}

/** Escape a literal for Fn::Sub (a "${" in it would be read as a variable). */
export const subLiteral = (s: string): string => s.replace(/\$\{/g, '${!');

export class Namer {
  constructor(
    private readonly stack: string,
    private readonly region: string,
  ) {}

  /**
   * A live name as a Fn::Sub of ${StackName} (and ${AWS::Region}), or the literal when neither is
   * in it. The stack name counts where a name or a path segment starts with it ("demo-lambda",
   * "/aws/lambda/demo-lambda"), not inside another word.
   */
  name(live: string): YamlValue {
    const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    let s = subLiteral(live);
    const stackAt = new RegExp(`(^|/)${esc(this.stack)}(?=-|/|$)`, 'g');
    const regionAt = new RegExp(esc(this.region), 'g');
    const dynamic = stackAt.test(s) || regionAt.test(s);
    if (!dynamic) return live;
    s = s.replace(stackAt, '$1${StackName}').replace(regionAt, '${AWS::Region}');
    return sub(s);
  }
}

export interface LogicalIds {
  role: string;
  logGroup: string;
  fn: string;
  api: string;
  stage: string;
  deployment: string;
  userPool: string;
  domain: string;
  resourceServer: string;
  resource(path: string): string;
  method(httpMethod: string, path: string): string;
  authorizer(index: number): string;
  permission(index: number): string;
  client(c: { m2m: boolean }, index: number): string;
}

export const LOGICAL: LogicalIds = {
  role: 'LambdaRole',
  logGroup: 'LambdaLogGroup',
  fn: 'HelloFunction',
  api: 'RestApi',
  stage: 'Stage',
  deployment: 'Deployment',
  userPool: 'UserPool',
  domain: 'UserPoolDomain',
  resourceServer: 'ResourceServer',
  resource: (path) => `Resource${logicalPart(path)}`,
  method: (m, path) => `Method${logicalPart(m.toLowerCase())}${path === '/' ? 'Root' : logicalPart(path)}`,
  authorizer: (i) => (i === 0 ? 'Authorizer' : `Authorizer${i + 1}`),
  permission: (i) => (i === 0 ? 'InvokePermission' : `InvokePermission${i + 1}`),
  client: (c, i) => (c.m2m ? 'M2mClient' : i === 0 ? 'AppClient' : `AppClient${i + 1}`),
};

