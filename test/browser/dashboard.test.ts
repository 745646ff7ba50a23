import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  channelReadAccess,
  createRestServer,
  GatewayMetrics,
  GatewayService,
  registerDashboardRoutes,
} from '../../src/gateway/index.js';
import { CertificateAuthority } from '../../src/identity/index.js';
import { layout, listWalletIdentities } from '../../src/network/index.js';
import { removeDir, startNetwork, type TestNetwork, tempDir } from '../support/network.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const NUMBER = '+4915112345678';
const WAIT = { timeout: 30_000 };
/** Generous limits: CI runs this beside the other integration tests on two cores. */
const SLOW = { timeout: 180_000 };

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  console.warn(
    `test/browser/dashboard.test.ts is skipped: ${CHROMIUM} is absent (apt-get install -y chromium; CI installs it)`,
  );
}

let t: TestNetwork;
let app: FastifyInstance;
let base: string;
let browser: Browser;
let page: Page;
let staticDir: string;
const pageErrors: string[] = [];

async function submit(identity: string, fn: string, body: Record<string, unknown>) {
  const res = await fetch(`${base}/api/v1/channels/telecom/contracts/number-portability/submit/${fn}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-consortia-identity': identity },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as {
    txId: string;
    blockNumber: number;
    validationCode: string;
    result: Record<string, unknown>;
  };
  expect(res.status, JSON.stringify(json)).toBe(200);
  return json;
}

async function search(text: string) {
  const box = page.getByRole('searchbox');
  await box.fill(text);
  await box.press('Enter');
}

describe.skipIf(!haveChromium)('the web dashboard in a browser', () => {
  beforeAll(async () => {
    staticDir = tempDir('consortia-dashboard-');
    await build({
      configFile: join(process.cwd(), 'src/dashboard/vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: staticDir, emptyOutDir: true },
    });
    t = await startNetwork();

    // A client certificate that expires in 3 days, in the wallet where the dashboard looks.
    const ca = await CertificateAuthority.load(layout.caDir(t.dataDir, 'TelcoA'));
    const shortLived = await ca.enroll({ name: 'shortlived', role: 'client', validityDays: 3 });
    const dir = layout.userDir(t.dataDir, 'TelcoA', 'shortlived');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'cert.pem'), shortLived.certPem);
    writeFileSync(join(dir, 'key.pem'), shortLived.privateKeyPem ?? '', { mode: 0o600 });

    const metrics = new GatewayMetrics();
    const gateway = new GatewayService({
      peers: t.network.peerHandles().map((p) => metrics.instrumentPeer(p)),
      orderers: t.network.ordererHandles().map((o) => metrics.instrumentOrderer(o)),
    });
    const identities = (label: string) => {
      const id = t.network.identity(label);
      return { mspId: id.mspId, certDer: id.certDer, signer: id.signer };
    };
    app = await createRestServer({ gateway, identities });
    registerDashboardRoutes(app, {
      gateway,
      canRead: channelReadAccess({ gateway, identities }),
      identityLabels: () => listWalletIdentities(t.dataDir),
      network: t.network,
      dataDir: t.dataDir,
      metrics,
      staticDir,
    });
    base = await app.listen({ port: 0, host: '127.0.0.1' });

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    mkdirSync(ARTIFACTS, { recursive: true });
  }, SLOW.timeout);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await t?.stop();
    if (t) removeDir(t.dataDir);
    if (staticDir) removeDir(staticDir);
  }, SLOW.timeout);

  it('shows the consortium: orgs, nodes, health and height per peer', async () => {
    await page.goto(`${base}/`);
    await page.getByRole('heading', { name: 'Consortium overview' }).waitFor(WAIT);
    for (const node of [
      'Regulator.peer0',
      'TelcoA.peer0',
      'TelcoB.peer0',
      'TelcoC.peer0',
      'Orderer.orderer0',
    ]) {
      const row = page.getByTestId(`node-${node}`);
      await expect(row.textContent()).resolves.toContain('up');
    }
    expect(Number(await page.getByTestId('height-telecom').textContent())).toBeGreaterThanOrEqual(1);
    // Blocks and key history are read as a member of the channel: an admin of a member org.
    const readAs = page.locator('select[name="read-as"]');
    await expect.poll(() => readAs.inputValue(), { timeout: WAIT.timeout }).toMatch(/\.admin$/);
    expect(await readAs.inputValue()).toBe('Regulator.admin');
    expect(await readAs.locator('option').allTextContents()).toContain('TelcoA.shortlived');
  });

  it('shows a block and its transaction soon after a REST submit', SLOW, async () => {
    await page.goto(`${base}/#/blocks`);
    await page.getByRole('heading', { name: /Blocks of telecom/ }).waitFor(WAIT);
    const r = await submit('Regulator.admin', 'registerNumber', { number: NUMBER, carrier: 'TelcoA' });
    expect(r.validationCode).toBe('VALID');

    // The block list polls: the new block appears without a reload.
    const row = page.getByTestId(`block-row-${r.blockNumber}`);
    await row.waitFor(WAIT);
    expect(await row.textContent()).toContain('number-portability.registerNumber');
    await row.getByRole('link', { name: `#${r.blockNumber}` }).click();
    await page.getByRole('heading', { name: new RegExp(`Block #${r.blockNumber}`) }).waitFor(WAIT);
    const txRow = page.getByTestId('tx-row-0');
    expect(await txRow.textContent()).toContain('VALID');
    expect(await txRow.textContent()).toContain('Regulator');

    await txRow.getByRole('link').first().click();
    await page.getByTestId('tx-id').waitFor(WAIT);
    expect(await page.getByTestId('tx-id').textContent()).toBe(r.txId);
    expect(await page.getByTestId('endorsers').textContent()).toContain('Regulator');
    expect(await page.locator('main').textContent()).toContain(`number:${NUMBER}`);
  });

  it("finds every change of the number's owner by searching for the number", SLOW, async () => {
    const requested = await submit('TelcoB.admin', 'requestPort', {
      number: NUMBER,
      encryptedCustomerData: 'c2VjcmV0',
      contractHash: 'ab'.repeat(32),
    });
    await submit('TelcoA.admin', 'confirmPort', { requestId: requested.result.requestId });

    await page.goto(`${base}/#/overview`);
    await search(NUMBER);
    await page.getByTestId('history-key').waitFor(WAIT);
    expect(await page.getByTestId('history-key').textContent()).toBe(`number:${NUMBER}`);
    const rows = page.getByTestId('history-row');
    await expect.poll(() => rows.count(), WAIT).toBe(3);
    expect(await rows.nth(0).locator('td.holder').textContent()).toBe('TelcoA');
    expect(await rows.nth(2).locator('td.holder').textContent()).toBe('TelcoB');
    expect(await rows.nth(2).textContent()).toContain('carrier: TelcoA → TelcoB');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-history.png'), fullPage: true });
  });

  it('flags a certificate that expires within 30 days, in the list and as an alert', async () => {
    await page.goto(`${base}/#/certificates`);
    const row = page.getByTestId('cert-TelcoA-shortlived');
    await row.waitFor(WAIT);
    expect(await row.getAttribute('data-status')).toBe('expiring');
    expect(await row.textContent()).toContain('expiring soon');
    // Sorted by expiry: the short-lived certificate comes first.
    const first = page.locator('table[aria-label="Certificates by expiry"] tbody tr').first();
    expect(await first.getAttribute('data-testid')).toBe('cert-TelcoA-shortlived');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-certificates.png'), fullPage: true });

    await page.getByRole('link', { name: /Alerts/ }).click();
    const alert = page.getByTestId('alert-CERT_EXPIRING');
    await alert.waitFor(WAIT);
    expect(await alert.textContent()).toContain('TelcoA/shortlived');
  });

  it('charts the committed transactions and exports them as Prometheus metrics', async () => {
    await page.goto(`${base}/#/charts`);
    await page.getByTestId('chart-throughput').waitFor(WAIT);
    await expect.poll(async () => page.locator('main').textContent(), WAIT).toMatch(/[1-9]\d* valid/);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(
      /consortia_transactions_total\{channel="telecom",validation_code="VALID"\} [3-9]/,
    );
    expect(metrics).toMatch(
      /consortia_endorsement_duration_seconds_count\{peer="Regulator.peer0",outcome="ok"\} [3-9]/,
    );
    expect(metrics).toMatch(
      /consortia_ordering_duration_seconds_count\{orderer="Orderer.orderer0",outcome="ok"\} [3-9]/,
    );
    expect(metrics).toContain('consortia_block_commit_duration_seconds_bucket');
    expect(metrics).toMatch(/consortia_ledger_height\{channel="telecom",peer="TelcoA.peer0"\} \d+/);
    expect(metrics).toMatch(
      /consortia_http_requests_total\{method="POST",route="[^"]+submit[^"]+",status="200"\} 3/,
    );
  });

  it('answers garbage in the search box and in the address with a clear message', SLOW, async () => {
    await page.goto(`${base}/#/overview`);
    await search('<script>alert(1)</script>');
    const error = page.getByTestId('search-error');
    await error.waitFor(WAIT);
    expect(await error.textContent()).toContain('is not a block number, a transaction id or a key');

    const cases: [string, RegExp][] = [
      ['#/blocks/abc', /is not a block number/],
      ['#/tx/not-a-txid', /a transaction id is 64 hex characters/],
      ['#/history?ns=%3Cb%3E&key=x', /is not a contract name/],
      ['#/%E0%A4%A', /malformed/],
      ['#/nowhere', /There is no page/],
      ['#/overview?channel=nochannel', /There is no channel "nochannel"/],
    ];
    for (const [hash, message] of cases) {
      await page.goto(`${base}/${hash}`);
      await page.reload();
      const shown = page.getByTestId('route-error');
      await shown.waitFor(WAIT);
      expect(await shown.textContent()).toMatch(message);
      // The page around the message still works.
      expect(await page.getByRole('navigation', { name: 'Views' }).isVisible()).toBe(true);
    }
    await page.goto(`${base}/#/blocks/99999`);
    await expect.poll(async () => page.locator('main').textContent(), WAIT).toContain('has no block 99999');
    await page.goto(`${base}/#/search?q=${'f'.repeat(63)}`);
    await expect
      .poll(async () => page.getByTestId('search-error').textContent(), WAIT)
      .toContain('has 63 characters');
    expect(pageErrors).toEqual([]);
  });

  it('keeps a screenshot of the overview as a test artifact', async () => {
    await page.goto(`${base}/#/overview`);
    await page.getByRole('heading', { name: 'Consortium overview' }).waitFor(WAIT);
    await page.getByTestId('node-TelcoA.peer0').waitFor(WAIT);
    const path = join(ARTIFACTS, 'dashboard.png');
    await page.screenshot({ path, fullPage: true });
    expect(existsSync(path)).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
