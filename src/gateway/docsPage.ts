import { html, type SafeHtml } from './html.js';
import type {
  OpenApiDocument,
  OpenApiOperation,
  OpenApiParameter,
  OpenApiResponse,
} from './openApiDocument.js';

type Schema = Record<string, unknown>;

const STYLE = `
body { font: 15px/1.5 system-ui, sans-serif; margin: 0; color: #1d2430; background: #f7f8fa; }
header, main, nav { max-width: 60rem; margin: 0 auto; padding: 0 1.5rem; }
header { padding-top: 1.5rem; }
h1 small { font-weight: normal; color: #667; font-size: 0.6em; }
h2 { margin-top: 2.5rem; border-bottom: 1px solid #d5d9e0; }
article { background: #fff; border: 1px solid #d5d9e0; border-radius: 6px; padding: 0.5rem 1rem; margin: 1rem 0; }
article h3 { font-size: 1rem; margin: 0.5rem 0; word-break: break-all; }
code, pre { font: 13px/1.4 ui-monospace, monospace; background: #eef1f5; border-radius: 3px; padding: 0 0.2em; }
pre { padding: 0.6rem; overflow-x: auto; }
table { border-collapse: collapse; margin: 0.5rem 0; width: 100%; }
th, td { text-align: left; border-bottom: 1px solid #e4e7ec; padding: 0.25rem 0.5rem; vertical-align: top; }
.method { display: inline-block; min-width: 3.5rem; text-align: center; border-radius: 3px; color: #fff; font-size: 0.8rem; margin-right: 0.5rem; }
.post { background: #2f7d4f; } .get { background: #2d5fa8; }
.status { font-weight: bold; }
nav ul { columns: 2; }
`;

/** Text with `backtick` spans as <code>, one <p> per paragraph. */
function prose(text: string | undefined): SafeHtml[] {
  if (!text) return [];
  return text.split(/\n\s*\n/).map(
    (para) =>
      html`<p>${para
        .replace(/\s*\n\s*/g, ' ')
        .split('`')
        .map((part, i) => (i % 2 === 1 ? html`<code>${part}</code>` : part))}</p>`,
  );
}

const refName = (schema: Schema | undefined): string | undefined =>
  typeof schema?.$ref === 'string' ? schema.$ref.split('/').pop() : undefined;

function typeOf(schema: Schema): string {
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if ('const' in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.type)) return schema.type.join(' | ');
  if (typeof schema.type === 'string') {
    const items = schema.items as Schema | undefined;
    return schema.type === 'array' && items ? `array of ${typeOf(items)}` : schema.type;
  }
  return refName(schema) ?? 'any';
}

const CONSTRAINTS = [
  'pattern',
  'format',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
];

function constraintsOf(schema: Schema): string {
  return CONSTRAINTS.filter((k) => schema[k] !== undefined)
    .map((k) => `${k}: ${typeof schema[k] === 'string' ? schema[k] : JSON.stringify(schema[k])}`)
    .join(', ');
}

function parametersTable(parameters: readonly OpenApiParameter[]): SafeHtml | undefined {
  if (parameters.length === 0) return undefined;
  return html`<table>
<tr><th>parameter</th><th>in</th><th>type</th><th>required</th><th>description</th></tr>
${parameters.map(
  (p) => html`<tr><td><code>${p.name}</code></td><td>${p.in}</td><td>${typeOf(p.schema)}</td>
<td>${p.required ? 'yes' : 'no'}</td><td>${p.description}</td></tr>`,
)}
</table>`;
}

function argumentsTable(schema: Schema): SafeHtml {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const rows = Object.entries(properties);
  if (rows.length === 0) return html`<p>No arguments: send <code>{}</code> or no body.</p>`;
  return html`<table>
<tr><th>argument</th><th>type</th><th>required</th><th>constraints</th><th>description</th></tr>
${rows.map(
  ([
    name,
    s,
  ]) => html`<tr><td><code>${name}</code></td><td>${typeOf(s)}</td><td>${required.has(name) ? 'yes' : 'no'}</td>
<td>${constraintsOf(s)}</td><td>${typeof s.description === 'string' ? s.description : ''}</td></tr>`,
)}
</table>`;
}

function responsesList(responses: Readonly<Record<string, OpenApiResponse>>): SafeHtml {
  return html`<ul>${Object.entries(responses).map(([status, r]) => {
    const schema = refName(r.content?.['application/json'].schema);
    return html`<li><span class="status">${status}</span> ${r.description}${schema ? html` — <code>${schema}</code>` : ''}</li>`;
  })}</ul>`;
}

function operationView(path: string, method: string, op: OpenApiOperation): SafeHtml {
  const body = op.requestBody?.content['application/json'].schema;
  return html`<article id="${op.operationId}">
<h3><span class="method ${method}">${method.toUpperCase()}</span><code>${path}</code></h3>
<p><strong>${op.summary}</strong></p>
${prose(op.description)}
${parametersTable(op.parameters)}
${
  body
    ? html`<h4>Body: JSON object of named arguments</h4>${argumentsTable(body)}
<details><summary>JSON Schema of the arguments</summary><pre>${JSON.stringify(body, null, 2)}</pre></details>`
    : undefined
}
<h4>Responses</h4>
${responsesList(op.responses)}
</article>`;
}

/**
 * A self-contained HTML page (no scripts, no external assets) describing every operation of
 * an OpenAPI document, grouped by tag, with argument tables from the request body schemas.
 *
 * @example
 * reply.type('text/html').send(renderDocsPage(buildOpenApiDocument({ channels })));
 */
export function renderDocsPage(doc: OpenApiDocument): string {
  const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ path, method, op: op as OpenApiOperation })),
  );
  const sections = doc.tags.map((tag) => ({
    tag,
    id: `tag-${tag.name.replace(/[^A-Za-z0-9-]/g, '-')}`,
    ops: operations.filter((o) => o.op.tags.includes(tag.name)),
  }));
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${doc.info.title}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${doc.info.title} <small>API v${doc.info.version}</small></h1>
${prose(doc.info.description)}
<p>The machine-readable document: <a href="/openapi.json"><code>/openapi.json</code></a> (OpenAPI ${doc.openapi}).</p>
<pre>curl -X POST "$GATEWAY/api/v1/channels/telecom/contracts/number-portability/submit/registerNumber" \\
  -H 'X-Consortia-Identity: Regulator.admin' -H 'content-type: application/json' \\
  -d '{"number":"+4915112345678","carrier":"TelcoA"}'</pre>
</header>
<nav><ul>${sections.map((s) => html`<li><a href="#${s.id}">${s.tag.name}</a> (${s.ops.length})</li>`)}</ul></nav>
<main>
${sections.map(
  (s) => html`<section id="${s.id}">
<h2>${s.tag.name}</h2>
${prose(s.tag.description)}
${s.ops.map((o) => operationView(o.path, o.method, o.op))}
</section>`,
)}
</main>
</body>
</html>
`.toString();
}
