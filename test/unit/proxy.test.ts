import * as assert from 'assert';
import { CodemagicClient } from '../../src/api/client';
import { proxyDispatcher, redactProxy, type ProxySettings } from '../../src/api/proxy';
import { FakeCodemagic } from '../fake-codemagic';
import { startTestProxy, type TestProxy } from '../integration/proxyServer';

const TOKEN = 'cmtok_SECRET_proxy_77';
const body = { appId: '60a1b2c3d4e5f6a7b8c9d0e1', workflowId: 'w', branch: 'main' };

suite('api/proxy: requests through a local proxy', () => {
  let fake: FakeCodemagic;
  let proxy: TestProxy;
  suiteSetup(async () => {
    fake = await FakeCodemagic.start({ token: TOKEN });
    proxy = await startTestProxy();
  });
  suiteTeardown(async () => {
    await proxy.close();
    await fake.close();
  });
  setup(() => {
    proxy.targets.length = 0;
    fake.clearRequests();
  });

  const client = (p: Partial<ProxySettings>) =>
    new CodemagicClient({
      apiUrl: fake.url,
      v3Url: fake.v3Url,
      getToken: () => TOKEN,
      dispatcher: proxyDispatcher({ strictSSL: true, noProxy: [], env: {}, ...p }),
    });

  test('http.proxy: the start request passes through the proxy and reaches Codemagic once', async () => {
    const id = await client({ proxy: proxy.url }).startBuild(body);
    assert.ok(id);
    assert.deepStrictEqual(proxy.targets, [new URL(fake.url).host]);
    assert.strictEqual(fake.requestsTo('POST', '/builds').length, 1);
  });

  test('HTTPS_PROXY / HTTP_PROXY from the environment when http.proxy is unset', async () => {
    await client({ env: { HTTP_PROXY: proxy.url } }).listApps();
    assert.deepStrictEqual(proxy.targets, [new URL(fake.url).host]);
  });

  test('NO_PROXY and http.noProxy hosts go direct', async () => {
    await client({ proxy: proxy.url, env: { NO_PROXY: '127.0.0.1' } }).listApps();
    await client({ proxy: proxy.url, noProxy: ['127.0.0.1'] }).listApps();
    assert.deepStrictEqual(proxy.targets, []);
    assert.strictEqual(fake.requestsTo('GET', '/apps').length, 2);
  });

  test('no proxy at all: direct, through an agent of our own', async () => {
    await client({}).listApps();
    assert.deepStrictEqual(proxy.targets, []);
  });

  test('proxy credentials never reach the log line', () => {
    assert.strictEqual(redactProxy('http://user:secret@proxy.example:8080'), 'http://proxy.example:8080/');
    assert.strictEqual(redactProxy(undefined), '(none)');
  });
});
