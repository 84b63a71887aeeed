// The HTML sanitiser on hostile and ordinary mail: what survives is only what it understood and allowed.
import { describe, expect, it } from 'vitest';
import { htmlToText, sanitizeHtml } from '../../src/webmail/sanitize.ts';

const clean = (input: string, remote = false) =>
  sanitizeHtml(input, {
    remote,
    inline: (id) => (id === 'logo@motco' ? 'data:image/png;base64,iVBORw0KGgo=' : undefined),
  });

describe('sanitizeHtml', () => {
  it('keeps ordinary formatting and drops scripts, handlers, forms and frames', () => {
    expect(clean('<p class="x" onclick="steal()">Bonjour <b>docteur</b></p><script>alert(1)</script>').html).toBe(
      '<p class="x">Bonjour <b>docteur</b></p>',
    );
    expect(
      clean(
        '<form action="https://evil"><input name="p"><button>OK</button></form><iframe src="https://evil"></iframe>fin',
      ).html,
    ).toBe('OKfin');
    expect(
      clean('<svg><script>alert(1)</script><a href="https://x">dans svg</a></svg><math><mi>x</mi></math>après').html,
    ).toBe('après');
    expect(clean('<!-- <script>alert(1)</script> --><!DOCTYPE html><?xml x?><title>T</title>texte').html).toBe('texte');
    expect(
      clean(
        '<base href="https://evil/"><meta http-equiv="refresh" content="0;url=https://evil">' +
          '<link rel="stylesheet" href="https://evil/a.css">x',
      ).html,
    ).toBe('x');
  });

  it('lets links lead only to http(s), mailto and fragments, opened outside the frame', () => {
    expect(clean('<a href="https://example.org/?a=1&amp;b=2">lien</a>').html).toBe(
      '<a href="https://example.org/?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">lien</a>',
    );
    for (const href of [
      'javascript:alert(1)',
      'jav&#x61;script:alert(1)',
      ' java\tscript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:x',
      '/webmail/actions',
      '&unknown;javascript:x',
    ]) {
      expect(clean(`<a href="${href}">x</a>`).html, href).toBe('<a>x</a>');
    }
    expect(clean('<a href="mailto:a@b.fr">m</a>').html).toContain('href="mailto:a@b.fr"');
  });

  it('blocks remote images, backgrounds and stylesheets and counts them, unless the reader asked', () => {
    const letter =
      '<img src="https://tracker.example/p.gif" alt="pixel"><td background="http://x/bg.png">c</td>' +
      '<div style="background:url(https://x/y.png) no-repeat;color:red">s</div>' +
      '<style>@import url("https://x/a.css"); p { color: blue }</style>';
    const blocked = clean(letter);
    expect(blocked.html).toBe(
      '<img alt="pixel"><td>c</td><div style="background:none no-repeat;color:red">s</div>' +
        '<style> p { color: blue }</style>',
    );
    expect(blocked.blockedRemote).toBe(4);
    const allowed = clean(letter, true);
    expect(allowed.blockedRemote).toBe(0);
    expect(allowed.html).toContain('<img src="https://tracker.example/p.gif" alt="pixel">');
    expect(allowed.html).toContain('url(&quot;https://x/y.png&quot;)');
  });

  it('embeds inline parts and data images, and drops CSS it cannot read', () => {
    expect(
      clean(
        '<img src="cid:logo@motco"><img src="cid:inconnu">' +
          '<img src="data:image/png;base64,AAAA"><img src="data:image/svg+xml,<svg/>">',
      ).html,
    ).toBe('<img src="data:image/png;base64,iVBORw0KGgo="><img><img src="data:image/png;base64,AAAA"><img>');
    for (const css of [
      'color:\\72 ed',
      'width:expression(alert(1))',
      'background:url (x)',
      'behavior:url(x.htc)',
      'background-image:image-set("https://x/a.png" 1x)',
    ]) {
      expect(clean(`<p style="${css}">x</p>`).html, css).toBe('<p>x</p>');
    }
  });

  it('re-escapes every value and text, whatever the quoting', () => {
    expect(clean("<p title='a\"b' lang=fr>1 < 2 &amp; 3 > 2</p>").html).toBe(
      '<p title="a&quot;b" lang="fr">1 &lt; 2 &amp; 3 &gt; 2</p>',
    );
    expect(clean('<img src=x onerror=alert(1)//><a title=">" href=https://a>z').html).toBe(
      '<img><a title="&gt;" href="https://a" target="_blank" rel="noopener noreferrer">z',
    );
    expect(clean('<textarea><img src=x onerror=alert(1)></textarea>').html).toBe(
      '<pre>&lt;img src=x onerror=alert(1)&gt;</pre>',
    );
    expect(clean('<p>fin tronquée <a href="https://x').html).toBe('<p>fin tronquée ');
    expect(clean('<style>p{}</style x></style><script>1</script>').html).toBe('<style>p{}</style>');
  });
});

describe('htmlToText', () => {
  it('turns blocks into lines and resolves character references', () => {
    expect(
      htmlToText(
        '<html><head><title>x</title><style>p{}</style></head>' +
          '<body><p>Bonjour&nbsp;&eacute;t&eacute; &#8364;</p><ul><li>a</li><li>b</li></ul>' +
          'fin<br>x<script>y</script></body></html>',
      ),
    ).toBe('Bonjour été €\n\n- a\n- b\nfin\nx');
  });
});
