import * as assert from 'node:assert/strict';
import { BUILT_IN_ENVIRONMENTS, browserUrl, resolveEnvironment } from '../../../src/core/cloud/environments';
import { UserFacingError } from '../../../src/core/util/errors';

describe('cloud environments and scopes', () => {
  it('gives each sovereign cloud its own ARM endpoint, authority and token scopes', () => {
    const pub = resolveEnvironment('AzureCloud');
    assert.equal(pub.resourceManagerScope, 'https://management.azure.com/.default');
    assert.equal(pub.synapseScope, 'https://dev.azuresynapse.net/.default');
    const cn = resolveEnvironment('AzureChinaCloud');
    assert.equal(cn.resourceManagerEndpoint, 'https://management.chinacloudapi.cn');
    assert.equal(cn.authorityHost, 'https://login.chinacloudapi.cn');
    assert.equal(cn.synapseScope, 'https://dev.azuresynapse.azure.cn/.default');
    const gov = resolveEnvironment('AzureUSGovernment');
    assert.equal(gov.resourceManagerScope, 'https://management.usgovcloudapi.net/.default');
    assert.equal(gov.authorityHost, 'https://login.microsoftonline.us');
    // No environment reuses another's hosts.
    const hosts = Object.values(BUILT_IN_ENVIRONMENTS).map((e) => new URL(e.resourceManagerEndpoint).host);
    assert.equal(new Set(hosts).size, hosts.length);
    assert.equal(resolveEnvironment(undefined).name, 'AzureCloud', 'the default is the public cloud');
  });

  it('builds a custom environment from settings, with the emulator scopes it is given', () => {
    const env = resolveEnvironment('Custom', {
      resourceManagerEndpoint: 'https://127.0.0.1:10443/',
      authorityHost: 'https://127.0.0.1:10443',
      tenantId: ' t1 ',
      resourceManagerScope: 'https://management.azure.com/.default',
      synapseScope: 'https://dev.azuresynapse.net/.default',
    });
    assert.equal(env.resourceManagerEndpoint, 'https://127.0.0.1:10443', 'trailing slash removed');
    assert.equal(env.resourceManagerScope, 'https://management.azure.com/.default');
    assert.equal(env.tenantId, 't1');
    assert.equal(env.disableInstanceDiscovery, true, 'custom authorities skip MSAL instance discovery by default');
    assert.equal(env.displayName, '127.0.0.1:10443');
    const defaults = resolveEnvironment('Custom', {
      resourceManagerEndpoint: 'https://arm.example',
      authorityHost: 'https://login.example',
    });
    assert.equal(defaults.resourceManagerScope, 'https://arm.example/.default', 'ARM scope defaults to the endpoint audience');
  });

  it('names the setting to fix when a custom environment is incomplete or not https', () => {
    assert.throws(
      () => resolveEnvironment('Custom', {}),
      (e: Error) => e instanceof UserFacingError && /custom\.resourceManagerEndpoint/.test(e.message),
    );
    assert.throws(() => resolveEnvironment('Custom', { resourceManagerEndpoint: 'http://x', authorityHost: 'https://y' }), /https/);
    assert.throws(() => resolveEnvironment('Mars'), /Unknown "synapseSpark.environment"/);
  });

  it("opens resources on the environment's own portal and studio hosts", () => {
    const id = '/subscriptions/s/resourceGroups/r/providers/Microsoft.MachineLearningServices/workspaces/w';
    assert.equal(browserUrl(resolveEnvironment('AzureChinaCloud'), 'portal', id, 'tid'), `https://portal.azure.cn/#@tid/resource${id}`);
    assert.match(browserUrl(resolveEnvironment('AzureUSGovernment'), 'amlStudio', id), /^https:\/\/ml\.azure\.us\/\?wsid=%2Fsubscriptions/);
    assert.match(browserUrl(resolveEnvironment('AzureCloud'), 'synapseStudio', id), /^https:\/\/web\.azuresynapse\.net\/\?workspace=/);
    const custom = resolveEnvironment('Custom', { resourceManagerEndpoint: 'https://a', authorityHost: 'https://b' });
    assert.throws(() => browserUrl(custom, 'portal', id), /custom\.portalUrl/);
  });
});
