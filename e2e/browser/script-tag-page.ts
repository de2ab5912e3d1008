/**
 * Test pages that include the browser SDK the way a site does: the async stub from the
 * README, then commands, with the SDK file loaded from the collector.
 */

export interface ScriptTagPage {
  /** Collector base URL: the stub's script source and `init`'s endpoint. */
  collector: string;
  /** `init` options besides `endpoint`. */
  init: Record<string, unknown>;
  /** More script run right after `init`, in the same inline script. */
  script?: string;
  title?: string;
}

/** A tall page (so it scrolls) with a fixed button `#buy` that stays put while it does. */
export function scriptTagPage({ collector, init, script = '', title = 'Waymark e2e' }: ScriptTagPage): string {
  const options = JSON.stringify({ endpoint: collector, ...init });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>
  body { margin: 0; font: 16px system-ui, sans-serif; }
  #buy { position: fixed; top: 20px; left: 20px; width: 200px; height: 80px; z-index: 1; }
  main { height: 6000px; padding-top: 140px; background: linear-gradient(#fff, #ccd); }
</style>
<script>
var COLLECTOR = ${JSON.stringify(collector)};
!function(w,d,s){w.waymark=w.waymark||function(){(w.waymark.q=w.waymark.q||[]).push(arguments)};s=d.createElement('script');s.async=1;s.src=COLLECTOR+'/sdk/waymark.min.js';d.head.appendChild(s)}(window,document);
waymark('init', ${options});
${script}
</script>
</head>
<body>
<button id="buy" type="button">Buy</button>
<main><h1>${title}</h1><p>A long page.</p></main>
</body>
</html>
`;
}
