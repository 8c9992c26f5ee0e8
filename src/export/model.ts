// The export's model of a live stack: what src/export/live.ts reads and the template is built from.
import type { YamlValue } from './yaml.js';

export const TAG_NOTE = 'cognito-scope-setup:stack';

export interface ExportModel {
  stack: string;
  region: string;
  role: { name: string; assumeRolePolicy: YamlValue; managedPolicyArns: string[] };
  logGroup?: { name: string; retentionInDays?: number };
  fn: {
    name: string;
    runtime: string;
    handler: string;
    timeout?: number;
    memorySize?: number;
    description?: string;
    /** The tutorial's handler source, when the live code is exactly it: written inline. */
    inlineSource?: string;
  };
  api: { id: string; name: string; rootResourceId: string; endpointTypes: string[]; description?: string };
  /** Every resource of the API but the root, parents before children. */
  resources: { id: string; path: string; parentId: string; pathPart: string }[];
  methods: {
    resourceId: string;
    path: string;
    httpMethod: string;
    authorizerId?: string;
    authorizationType: string;
    scopes: string[];
    integration?: { type: string; httpMethod: string; uri: string };
  }[];
  authorizers: { id: string; name: string; identitySource?: string; providerArns: string[] }[];
  stage: { name: string; deploymentId: string };
  /** Lambda resource-policy statements that let this API invoke the function. */
  permissions: { sid: string; sourceArn: string; principal: string; action: string }[];
  userPool: {
    id: string;
    arn: string;
    name: string;
    tier?: string;
    mfa?: string;
    autoVerifiedAttributes?: string[];
    recoveryMechanisms?: { Name: string; Priority: number }[];
    allowAdminCreateUserOnly?: boolean;
    caseSensitive?: boolean;
    deletionProtection?: string;
  };
  domain?: { prefix: string; managedLoginVersion?: number };
  resourceServer: { identifier: string; name: string; scopes: { name: string; description: string }[] };
  clients: {
    id: string;
    name: string;
    generateSecret: boolean;
    flows: string[];
    scopes: string[];
    callbackUrls: string[];
    logoutUrls: string[];
    identityProviders: string[];
    explicitAuthFlows: string[];
    m2m: boolean;
  }[];
  /** Users of the pool (names only): not template resources, listed in a comment. */
  users: string[];
}

export interface ImportEntry {
  ResourceType: string;
  LogicalResourceId: string;
  ResourceIdentifier: Record<string, string>;
}

export interface NotImported {
  logicalId: string;
  type: string;
  live: string;
  reason: string;
  todo: string;
}

export interface CloudFormationExport {
  /** The template of the live stack (deploys a twin; with --import, every resource retained). */
  template: { [key: string]: YamlValue };
  comments: string[];
  /** With --import: the first change set's template (only what is imported, no Outputs). */
  importTemplate?: { [key: string]: YamlValue };
  resourcesToImport?: ImportEntry[];
  notImported?: NotImported[];
}

