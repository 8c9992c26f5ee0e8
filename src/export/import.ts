// `export cloudformation --import`: what CloudFormation needs to take the live resources over in
// place: the template with every resource retained, the IMPORT change set's own template (only
// what is imported, no Outputs) and the resources to import with their live identifiers.
import { buildTemplate } from './cloudformation.js';
import type { ExportModel, ImportEntry, NotImported } from './model.js';
import { LOGICAL } from './names.js';
import type { YamlValue } from './yaml.js';

type Doc = { [key: string]: YamlValue };

// What CloudFormation can import, and the identifier it takes (each type's primaryIdentifier in
// its registry schema). AWS::Lambda::Permission has no import support: "The following resource
// types are not supported for resource import: AWS::Lambda::Permission".
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resource-import-supported-resources.html
type Identify = (m: ExportModel, logicalId: string) => Record<string, string> | undefined;

export function buildImport(m: ExportModel): { importTemplate: Doc; resourcesToImport: ImportEntry[]; notImported: NotImported[]; template: Doc; comments: string[] } {
  const { template, comments } = buildTemplate(m, { retain: true });
  const resources = template.Resources as Doc;
  const identify: Record<string, Identify> = {
    'AWS::IAM::Role': () => ({ RoleName: m.role.name }),
    'AWS::Logs::LogGroup': () => ({ LogGroupName: m.logGroup!.name }),
    'AWS::Lambda::Function': () => ({ FunctionName: m.fn.name }),
    'AWS::ApiGateway::RestApi': () => ({ RestApiId: m.api.id }),
    'AWS::ApiGateway::Resource': (_, lid) => {
      const r = m.resources.find((x) => LOGICAL.resource(x.path) === lid)!;
      return { RestApiId: m.api.id, ResourceId: r.id };
    },
    'AWS::ApiGateway::Method': (_, lid) => {
      const meth = m.methods.find((x) => LOGICAL.method(x.httpMethod, x.path) === lid)!;
      return { RestApiId: m.api.id, ResourceId: meth.resourceId, HttpMethod: meth.httpMethod };
    },
    'AWS::ApiGateway::Authorizer': (_, lid) => {
      const i = m.authorizers.findIndex((_a, j) => LOGICAL.authorizer(j) === lid);
      return { RestApiId: m.api.id, AuthorizerId: m.authorizers[i]!.id };
    },
    'AWS::ApiGateway::Deployment': () => ({ DeploymentId: m.stage.deploymentId, RestApiId: m.api.id }),
    'AWS::ApiGateway::Stage': () => ({ RestApiId: m.api.id, StageName: m.stage.name }),
    'AWS::Cognito::UserPool': () => ({ UserPoolId: m.userPool.id }),
    'AWS::Cognito::UserPoolDomain': () => ({ UserPoolId: m.userPool.id, Domain: m.domain!.prefix }),
    'AWS::Cognito::UserPoolResourceServer': () => ({ UserPoolId: m.userPool.id, Identifier: m.resourceServer.identifier }),
    'AWS::Cognito::UserPoolClient': (_, lid) => {
      const i = m.clients.findIndex((c, j) => LOGICAL.client(c, j) === lid);
      return { UserPoolId: m.userPool.id, ClientId: m.clients[i]!.id };
    },
  };
  const resourcesToImport: ImportEntry[] = [];
  const notImported: NotImported[] = [];
  const importResources: Doc = {};
  for (const [logicalId, def] of Object.entries(resources)) {
    const type = (def as Doc).Type as string;
    const id = identify[type]?.(m, logicalId);
    if (id) {
      resourcesToImport.push({ ResourceType: type, LogicalResourceId: logicalId, ResourceIdentifier: id });
      importResources[logicalId] = def;
    } else if (type === 'AWS::Lambda::Permission') {
      const p = m.permissions[m.permissions.findIndex((_p, j) => LOGICAL.permission(j) === logicalId)]!;
      notImported.push({
        logicalId,
        type,
        live: `statement ${p.sid} on ${m.fn.name}`,
        reason: 'CloudFormation cannot import AWS::Lambda::Permission',
        todo: `the stack update after the import creates it as a new statement; then remove the old one: aws lambda remove-permission --function-name ${m.fn.name} --statement-id ${p.sid}`,
      });
    } else {
      throw new Error(`no import identifier for ${type} (${logicalId})`);
    }
  }
  // An import may add only the resources it imports, and no Outputs
  // (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resource-import-existing-stack.html):
  // the permission(s) and Outputs come with the update that follows.
  const importTemplate = structuredClone({ ...template, Resources: importResources }) as Doc;
  delete importTemplate.Outputs;
  // A DependsOn may name only resources of the template.
  for (const def of Object.values(importTemplate.Resources as Doc) as Doc[]) {
    if (Array.isArray(def.DependsOn)) {
      const kept = def.DependsOn.filter((d) => typeof d === 'string' && d in importResources);
      if (kept.length) def.DependsOn = kept;
      else delete def.DependsOn;
    }
  }
  return { importTemplate, resourcesToImport, notImported, template, comments };
}
