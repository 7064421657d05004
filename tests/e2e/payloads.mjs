// The script-injection corpus of tests/e2e/xss.mjs: at least 200 inputs
// that would run script if any page, feed or letter let them through.
//
// Each payload is one of the VECTORS below (a way to make a browser run
// code: tags, event handlers, dangerous URL schemes, encodings that a
// careless decoder would undo, parser tricks, template and Markdown
// syntax) put into one of the CONTEXTS (plain text, or first closing the
// attribute, element or string a naive template might have put it in).
// Every payload calls `alert(N)` with its own number, so a dialog says
// which one ran.
//
// Written for this project; the techniques are the well-known families,
// not any published list.

// `${n}` stands for the payload's number.
const VECTORS = [
  // Script elements, plain and disguised.
  (n) => `<script>alert(${n})</script>`,
  (n) => `<SCRIPT>alert(${n})</SCRIPT>`,
  (n) => `<script src="data:text/javascript,alert(${n})"></script>`,
  (n) => `<scr<script>ipt>alert(${n})</scr</script>ipt>`,
  (n) => `<<script>alert(${n})//<</script>`,
  (n) => `<script\x0c>alert(${n})</script>`,
  (n) => `<svg><script>alert(${n})</script></svg>`,
  (n) => `<svg><script href="data:,alert(${n})"/></svg>`,
  // Event handlers that fire with no one touching the page.
  (n) => `<img src=x onerror=alert(${n})>`,
  (n) => `<img/src/onerror=alert(${n})>`,
  (n) => `<img src="x\` \`onerror=alert(${n})>`,
  (n) => `<svg onload=alert(${n})>`,
  (n) => `<svg/onload=alert(${n})//`,
  (n) => `<body onload=alert(${n})>`,
  (n) => `<details open ontoggle=alert(${n})>`,
  (n) => `<input autofocus onfocus=alert(${n})>`,
  (n) => `<select autofocus onfocus=alert(${n})></select>`,
  (n) => `<textarea autofocus onfocus=alert(${n})></textarea>`,
  (n) => `<video><source onerror=alert(${n})></video>`,
  (n) => `<audio src=x onerror=alert(${n})>`,
  (n) => `<marquee onstart=alert(${n})>m</marquee>`,
  (n) => `<svg><animate onbegin=alert(${n}) attributeName=x dur=1s>`,
  (n) => `<style onload=alert(${n})></style>`,
  (n) => `<object data=x onerror=alert(${n})></object>`,
  (n) => `<div onpointerover=alert(${n}) style="position:fixed;inset:0">p</div>`,
  (n) => `<a onmouseover=alert(${n}) href=#>hover</a>`,
  // Frames, objects, embeds.
  (n) => `<iframe src="javascript:alert(${n})"></iframe>`,
  (n) => `<iframe srcdoc="<script>alert(${n})</script>"></iframe>`,
  (n) => `<iframe src="data:text/html,<script>alert(${n})</script>"></iframe>`,
  (n) => `<object data="javascript:alert(${n})"></object>`,
  (n) => `<embed src="javascript:alert(${n})">`,
  // Dangerous addresses in links, forms and the document's base.
  (n) => `<a href="javascript:alert(${n})">link</a>`,
  (n) => `<a href=" JaVaScRiPt:alert(${n})">link</a>`,
  (n) => `<a href="&#106;avascript:alert(${n})">link</a>`,
  (n) => `<a href="java&#x09;script:alert(${n})">link</a>`,
  (n) => `<a href="data:text/html,<script>alert(${n})</script>">link</a>`,
  (n) => `<form action="javascript:alert(${n})"><button>go</button></form>`,
  (n) => `<button formaction="javascript:alert(${n})">go</button>`,
  (n) => `<base href="javascript:alert(${n})//">`,
  (n) => `<meta http-equiv="refresh" content="0;url=javascript:alert(${n})">`,
  (n) => `<svg><a xlink:href="javascript:alert(${n})"><text y="9">t</text></a></svg>`,
  (n) => `<math href="javascript:alert(${n})">m</math>`,
  // Styles that once ran script, and parser differentials.
  (n) => `<div style="background:url(javascript:alert(${n}))">s</div>`,
  (n) => `<style>@import "javascript:alert(${n})";</style>`,
  (n) => `<math><mtext><table><mglyph><style><img src=x onerror=alert(${n})>`,
  (n) => `<noscript><p title="</noscript><img src=x onerror=alert(${n})>">`,
  (n) => `<!--<img src="--><img src=x onerror=alert(${n})//">`,
  (n) => `<![CDATA[<img src=x onerror=alert(${n})>]]>`,
  (n) => `<xmp><img src=x onerror=alert(${n})></xmp>`,
  (n) => `<template><img src=x onerror=alert(${n})></template><img src=y onerror=alert(${n})>`,
  // Strings a template or script block might hold.
  (n) => `</script><script>alert(${n})</script>`,
  (n) => `";alert(${n});//`,
  (n) => `'-alert(${n})-'`,
  (n) => `\\u003cscript\\u003ealert(${n})\\u003c/script\\u003e`,
  // Already-escaped text that a double decoder would turn into markup.
  (n) => `&lt;script&gt;alert(${n})&lt;/script&gt;`,
  (n) => `%3Cscript%3Ealert(${n})%3C%2Fscript%3E`,
  (n) => `&#60;img src=x onerror=alert(${n})&#62;`,
  // Template engines.
  (n) => `{{constructor.constructor('alert(${n})')()}}`,
  (n) => `\${alert(${n})}`,
  (n) => `{% if true %}<img src=x onerror=alert(${n})>{% endif %}`,
  // Markdown's own ways to make links and images.
  (n) => `[md](javascript:alert(${n}))`,
  (n) => `[md](JAVASCRIPT:alert(${n}))`,
  (n) => `<javascript:alert(${n})>`,
  (n) => `![md](javascript:alert(${n}))`,
  (n) => `[md](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`,
  (n) => `![md](x" onerror="alert(${n}))`,
  (n) => `[md](#"onmouseover="alert(${n}))`,
  (n) => `[ref${n}]\n\n[ref${n}]: javascript:alert(${n})`,
];

// How a payload is placed: as it is, or after closing what a naive
// template might have put it in.
const CONTEXTS = [
  (v) => v,
  (v) => `"><${v.startsWith('<') ? v.slice(1) : `b>${v}`}`,
  (v) => `'>${v}`,
  (v) => `</title></textarea></style></script></noscript>${v}`,
];

export const PAYLOADS = (() => {
  const out = [];
  for (const context of CONTEXTS) {
    for (const vector of VECTORS) {
      const n = out.length + 1;
      out.push(context(vector(n)));
    }
  }
  return out;
})();

// Length in characters as the server counts them (Unicode scalar values).
export const chars = (s) => [...s].length;

// The payloads packed into as few strings of at most `limit` characters
// as they fit in (one space between them), each payload whole. A payload
// longer than `limit` (only the shortest fields, of 100 characters, meet
// one) is left out.
export function packed(limit) {
  const out = [];
  let current = '';
  for (const p of PAYLOADS) {
    if (chars(p) > limit) continue;
    const next = current ? `${current} ${p}` : p;
    if (chars(next) > limit) {
      out.push(current);
      current = p;
    } else {
      current = next;
    }
  }
  if (current) out.push(current);
  return out;
}

// Every payload in Markdown, one paragraph each.
export const MARKDOWN = PAYLOADS.join('\n\n');
