import { describe, expect, it } from 'vitest';
import { html, page, raw } from '../../src/web/html.ts';

describe('html templates', () => {
  it('escapes interpolated text, keeps nested templates and drops empty values', () => {
    const evil = '<script>alert("x")</script>';
    const items = ['a&b', 'c'].map((i) => html`<li>${i}</li>`);
    expect(html`<p title="${evil}">${evil}</p><ul>${items}</ul>${null}${false}${raw('<br>')}`.value).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;">' +
        '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>' +
        '<ul><li>a&amp;b</li><li>c</li></ul><br>',
    );
  });

  it('lays out a French page with the shared stylesheet', () => {
    const out = page({ title: 'Accueil <x>', body: html`<h1>Bonjour</h1>` });
    expect(out).toContain('<html lang="fr">');
    expect(out).toContain('<title>Accueil &lt;x&gt; · motco</title>');
    expect(out).toContain('/assets/motco.css');
  });
});
