/**
 * The human page at `/docs`: a small self-contained renderer of `/docs/openapi.json` (no CDN, no
 * bundled UI framework — the platform must run offline). Operations grouped by tag, with access
 * rule, parameters, request and response schemas.
 */
export const DOCS_SCRIPT = String.raw`
const $ = (tag, attrs = {}, ...children) => {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children.flat()) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
};
const schemaBlock = (schema) => $('pre', {}, JSON.stringify(schema, null, 2));
const resolve = (doc, node) => {
  let current = node;
  while (current && current.$ref) current = current.$ref.slice(2).split('/').reduce((o, k) => o[k], doc);
  return current;
};
fetch('/docs/openapi.json').then((r) => r.json()).then((doc) => {
  const root = document.getElementById('root');
  root.replaceChildren($('h1', {}, doc.info.title, ' ', $('small', {}, 'v' + doc.info.version)), $('p', {}, doc.info.description),
    $('p', {}, $('a', { href: '/docs/openapi.json' }, 'openapi.json'), ' (OpenAPI ' + doc.openapi + ')'));
  const byTag = new Map();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = (op.tags && op.tags[0]) || 'Other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push({ path, method, op });
    }
  }
  for (const [tag, ops] of byTag) {
    root.append($('h2', {}, tag));
    for (const { path, method, op } of ops) {
      const body = [];
      if (op.description) body.push(...op.description.split('\n\n').map((p) => $('p', {}, p)));
      if (op.parameters && op.parameters.length) {
        body.push($('h4', {}, 'Parameters'), $('table', {}, $('tr', {}, $('th', {}, 'name'), $('th', {}, 'in'), $('th', {}, 'required'), $('th', {}, 'schema')),
          op.parameters.map((p) => $('tr', {}, $('td', {}, p.name), $('td', {}, p.in), $('td', {}, p.required ? 'yes' : 'no'), $('td', {}, schemaBlock(p.schema))))));
      }
      if (op.requestBody) body.push($('h4', {}, 'Request body (application/json)'), schemaBlock(op.requestBody.content['application/json'].schema));
      body.push($('h4', {}, 'Responses'));
      for (const [status, response] of Object.entries(op.responses)) {
        const r = resolve(doc, response);
        const content = r.content && r.content['application/json'];
        body.push($('details', {}, $('summary', {}, status + ' — ' + r.description), content ? schemaBlock(resolve(doc, content.schema)) : ''));
      }
      const lock = op.security && op.security.length ? ' 🔒' : '';
      root.append($('details', { class: 'op' }, $('summary', {}, $('span', { class: 'method ' + method }, method.toUpperCase()), ' ', $('code', {}, path), lock, ' — ', op.summary), ...body));
    }
  }
}).catch((error) => { document.getElementById('root').textContent = 'Could not load /docs/openapi.json: ' + error; });
`;

export const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Linli API</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 1000px; padding: 1rem 2rem; color: #222; }
  h1 small { font-size: 0.5em; color: #777; }
  h2 { border-bottom: 1px solid #ddd; margin-top: 2rem; }
  details.op { border: 1px solid #e3e3e3; border-radius: 6px; margin: 0.4rem 0; padding: 0.4rem 0.8rem; }
  details.op > summary { cursor: pointer; }
  .method { display: inline-block; min-width: 4.2em; text-align: center; border-radius: 4px; color: #fff; font-weight: 600; font-size: 0.8em; padding: 0 0.3em; }
  .get { background: #2f80ed; } .post { background: #27ae60; } .put { background: #f2994a; } .patch { background: #9b51e0; } .delete { background: #eb5757; }
  pre { background: #f7f7f7; padding: 0.5rem; overflow: auto; font-size: 0.85em; }
  table { border-collapse: collapse; } td, th { border: 1px solid #e3e3e3; padding: 0.2rem 0.5rem; vertical-align: top; text-align: left; }
</style>
</head>
<body>
<div id="root">Loading /docs/openapi.json…</div>
<script src="/docs/docs.js"></script>
</body>
</html>
`;
