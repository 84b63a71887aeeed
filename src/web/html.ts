// Server-rendered HTML: a tagged template that escapes every interpolated value unless it is already HTML,
// and the page layout every screen shares (French, one stylesheet, no script unless a page adds its own).
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Interpolation = SafeHtml | string | number | boolean | null | undefined | Interpolation[];

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  if (value instanceof SafeHtml) return value.value;
  return escapeHtml(String(value));
}

/** html`<p>${userText}</p>`: interpolations are escaped; arrays are joined; null/undefined/false vanish. */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((value, i) => (out += render(value) + strings[i + 1]!));
  return new SafeHtml(out);
}

/** Marks trusted markup (never user input) as HTML. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

export interface PageOptions {
  title: string;
  body: SafeHtml;
  /** Extra elements for <head> (a page's own script, say). */
  head?: SafeHtml;
  /** Text shown in the header bar next to the product name. */
  area?: string;
}

export function page({ title, body, head, area }: PageOptions): string {
  return html`<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · motco</title>
<link rel="stylesheet" href="/assets/motco.css">
${head}
</head>
<body>
<header class="bar"><span class="brand">motco</span>${area ? html`<span class="area">${area}</span>` : ''}</header>
<main>
${body}
</main>
</body>
</html>`.value;
}
