import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineContract, describeContract } from '../contract/index.js';
import { renderDocsPage } from './docsPage.js';
import { escapeHtml, html } from './html.js';
import { buildOpenApiDocument } from './openApi.js';

function unescapeHtml(text: string): string {
  return text
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&');
}

describe('html', () => {
  it('escapes every interpolated string, so text never becomes markup', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (text, attr) => {
        const out = html`<p title="${attr}">${text}</p>`.toString();
        const inner = out.slice(out.indexOf('>') + 1, -'</p>'.length);
        expect(inner).not.toMatch(/[<>"']/);
        expect(unescapeHtml(inner)).toBe(text);
        expect(unescapeHtml(escapeHtml(attr))).toBe(attr);
      }),
    );
  });

  it('inserts nested fragments and lists as they are and drops null, undefined and false', () => {
    const items = ['a<', 'b'];
    const out = html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>${null}${undefined}${false}${0}`;
    expect(out.toString()).toBe('<ul><li>a&lt;</li><li>b</li></ul>0');
  });
});

describe('renderDocsPage', () => {
  const contract = describeContract(
    defineContract({
      name: 'shop',
      description: 'Sells <script>alert(1)</script> things.',
      transactions: {
        buy: {
          description: 'Buys an `item`.',
          args: z.object({
            item: z.string().describe('What to buy.'),
            count: z.number().int().min(1).optional(),
          }),
          run: () => null,
        },
      },
      queries: { stock: { args: z.object({}), run: () => null } },
    }),
  );
  const page = renderDocsPage(
    buildOpenApiDocument({
      channels: [{ name: 'main', contracts: [{ name: 'shop' }] }],
      describeContract: () => contract,
    }),
  );

  it('is one self-contained HTML page with every operation', () => {
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).not.toMatch(/<script|<link|src=/);
    expect(page).toContain('/api/v1/channels/main/contracts/shop/submit/buy');
    expect(page).toContain('/api/v1/channels/main/contracts/shop/evaluate/stock');
    expect(page).toContain('/api/v1/channels/{channel}/blocks/{n}');
    expect(page).toContain('href="/openapi.json"');
  });

  it('escapes contract text and renders argument tables', () => {
    expect(page).toContain('Sells &lt;script&gt;alert(1)&lt;/script&gt; things.');
    expect(page).toContain('Buys an <code>item</code>.');
    expect(page).toMatch(
      /<td><code>item<\/code><\/td><td>string<\/td><td>yes<\/td>\s*<td><\/td><td>What to buy\.<\/td>/,
    );
    expect(page).toMatch(/<td><code>count<\/code><\/td><td>integer<\/td><td>no<\/td>\s*<td>minimum: 1/);
    expect(page).toContain('No arguments');
  });
});
