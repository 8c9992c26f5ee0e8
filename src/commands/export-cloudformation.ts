// `export cloudformation`: the live stack as a CloudFormation template (YAML). With --import, the
// files and the AWS CLI commands that hand the live resources over to CloudFormation in place.
// The stack is read first as `status` reads it: a stack that is not in sync is not exported (the
// template would describe something else than what CloudFormation would find).
import { commandLine } from './command-line.js';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { readAll } from '../engine/index.js';
import type { ArgsOf, CFN_FIELDS } from '../config/fields.js';
import { CliError } from '../errors.js';
import { buildTemplate, type ExportModel, type NotImported } from '../export/cloudformation.js';
import { buildImport } from '../export/import.js';
import { toYaml } from '../export/yaml.js';
import type { Session } from './context.js';
import { EXIT } from './exit-codes.js';
import type { Handler } from './kernel.js';

export type ExportCfnOpts = ArgsOf<typeof CFN_FIELDS>;

export const handler: Handler<ExportCfnOpts> = async (ctx) => {
  const { args: o, io } = ctx;
  const session = await ctx.session();
  const model = await liveModel(session);
  const stack = session.state.stack;
  if (!o.import) {
    const { template, comments } = buildTemplate(model);
    const yaml = toYaml(template, comments);
    if (o.out) {
      const file = await write(o.out, yaml);
      io.stderr.write(`Wrote the CloudFormation template of stack ${stack} to ${file}.\n`);
      return { exit: EXIT.OK, json: { stack, template: file, resources: Object.keys(template.Resources as object).length }, text: `${file}\n` };
    }
    return { exit: EXIT.OK, json: { stack, template }, text: yaml };
  }
  const plan = buildImport(model);
  const base = (o.out ?? `${stack}.template.yaml`).replace(/\.ya?ml$|\.json$/, '');
  const templateFile = await write(`${base}.yaml`, toYaml(plan.template, plan.comments));
  const importFile = await write(`${base}.import.yaml`, toYaml(plan.importTemplate, [`The import change set's template for stack "${stack}": only what CloudFormation imports, no Outputs.`, `After the import, update the stack with ${templateFile}.`]));
  const resourcesFile = await write(`${base}.resources-to-import.json`, `${JSON.stringify(plan.resourcesToImport, null, 2)}\n`);
  const commands = handOverCommands({ stack, region: session.state.region, endpoint: session.endpoint, templateFile, importFile, resourcesFile, notImported: plan.notImported, fn: model.fn.name });
  const json = { stack, template: templateFile, importTemplate: importFile, resourcesToImport: resourcesFile, imported: plan.resourcesToImport, notImported: plan.notImported, commands };
  const lines = [
    `Wrote ${templateFile}, ${importFile} and ${resourcesFile}.`,
    `${plan.resourcesToImport.length} resources are imported in place (every one with DeletionPolicy and UpdateReplacePolicy Retain).`,
    ...(plan.notImported.length ? ['', 'Not imported:', ...plan.notImported.map((n) => `  ${n.logicalId} (${n.type}, ${n.live}): ${n.reason}; ${n.todo}`)] : []),
    '',
    'Hand the stack over to CloudFormation (nothing is recreated):',
    ...commands.map((c) => `  ${c}`),
  ];
  return { exit: EXIT.OK, json, text: `${lines.join('\n')}\n` };
};

async function write(path: string, text: string): Promise<string> {
  const file = resolve(path);
  mkdirSync(dirname(file), { recursive: true });
  await writeFileAtomic(file, text, { mode: 0o644 });
  return file;
}

/** Read the stack as `status` does (it must be ours and in sync), then its live configuration. */
export async function liveModel(session: Session): Promise<ExportModel> {
  const results = await readAll(session.engine(() => undefined));
  const bad = results.filter((r) => r.state !== 'ok');
  if (bad.length) {
    const what = bad.map((r) => `${r.title}: ${r.state}`).join('; ');
    throw new CliError(
      'NOT_IN_SYNC',
      `Stack ${session.state.stack} is not in sync (${what}); the template would not describe what is live.`,
      `Run ${commandLine('status', { stack: session.state.stack })} to see why, and ${commandLine('init', { stack: session.state.stack })} to converge it, then export again.`,
    );
  }
  const rec = (key: string) => results.find((r) => r.key === key)?.record as Record<string, string> | undefined;
  const { readLiveModel } = await import('../export/live.js');
  const clientIds = [
    ...(rec('client') ? [{ id: rec('client')!.id!, m2m: false }] : []),
    ...(rec('m2mClient') ? [{ id: rec('m2mClient')!.id!, m2m: true }] : []),
  ];
  return readLiveModel(session.aws, {
    stack: session.state.stack,
    region: session.state.region,
    roleName: rec('role')!.id!,
    functionName: rec('function')!.id!,
    apiId: rec('api')!.id!,
    stage: rec('deployment')!.id!,
    userPoolId: rec('userPool')!.id!,
    resourceServerId: rec('resourceServer')?.id ?? session.state.inputs.resourceServerId,
    clientIds,
    ...(rec('logGroup') ? { logGroupName: rec('logGroup')!.id! } : {}),
  }, { readLogGroup: (name) => readLogGroup(session, name) });
}

async function readLogGroup(session: Session, name: string): Promise<{ name: string; retentionInDays?: number } | undefined> {
  const { DescribeLogGroupsCommand } = await import('../aws/sdk/rare.js');
  const logs = await session.aws.logs();
  const got = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }));
  const g = got.logGroups?.find((x) => x.logGroupName === name);
  return g ? { name, ...(g.retentionInDays ? { retentionInDays: g.retentionInDays } : {}) } : undefined;
}

/** The exact AWS CLI commands of the hand-over, in order. */
export function handOverCommands(o: { stack: string; region: string; endpoint?: string; templateFile: string; importFile: string; resourcesFile: string; notImported: NotImported[]; fn: string }): string[] {
  const at = `--region ${o.region}${o.endpoint ? ` --endpoint-url ${o.endpoint}` : ''}`;
  const cs = `import-${o.stack}`;
  const q = (p: string) => (/^[\w@%+=:,./-]+$/.test(p) ? p : `'${p.replace(/'/g, `'\\''`)}'`);
  return [
    `aws cloudformation create-change-set --stack-name ${o.stack} --change-set-name ${cs} --change-set-type IMPORT --template-body file://${q(o.importFile)} --resources-to-import file://${q(o.resourcesFile)} --parameters ParameterKey=StackName,ParameterValue=${o.stack} --capabilities CAPABILITY_NAMED_IAM ${at}`,
    `aws cloudformation wait change-set-create-complete --stack-name ${o.stack} --change-set-name ${cs} ${at}`,
    `aws cloudformation execute-change-set --stack-name ${o.stack} --change-set-name ${cs} ${at}`,
    `aws cloudformation wait stack-import-complete --stack-name ${o.stack} ${at}`,
    `aws cloudformation deploy --stack-name ${o.stack} --template-file ${q(o.templateFile)} --parameter-overrides StackName=${o.stack} --capabilities CAPABILITY_NAMED_IAM ${at}`,
    ...o.notImported.filter((n) => n.type === 'AWS::Lambda::Permission').map((n) => `aws lambda remove-permission --function-name ${o.fn} --statement-id ${n.live.split(' ')[1]} ${at}`),
    `npx cognito-scope-setup forget --stack ${o.stack}`,
  ];
}
