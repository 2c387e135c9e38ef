// Feeds that once made the ingest worker spin: shared by `npm run bench -- ingest`
// and the CPU-budget tests (test/stories/budget.test.ts).

/** RSS with one item whose description is ~`bytes` of tags that never close, ending in an attribute that never closes. */
export function unclosedTagsFeed(bytes: number): string {
  const half = Math.floor(bytes / 2);
  const open = '<div class="story-body wp-block">'.repeat(Math.ceil(half / 33));
  const attr = `<div class="${'col-md-6 '.repeat(Math.ceil(half / 9))}`;
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Broken</title><link>https://broken.example.com/</link>
<item><title>One broken item</title><link>https://broken.example.com/1</link><pubDate>Tue, 10 Mar 2026 08:00:00 +0000</pubDate>
<description><![CDATA[<p>The story starts here.</p>${open}${attr}]]></description></item></channel></rss>`;
}

/** RSS with `n` ordinary items: the parser library behind the old code re-read the channel for each one. */
export function manyItemsFeed(n: number): string {
  const items: string[] = [];
  for (let i = 0; i < n; i++) {
    items.push(`<item><title>Headline number ${i} about markets</title><link>https://many.example.com/${i}</link><guid>https://many.example.com/${i}</guid>
<pubDate>Tue, 10 Mar 2026 08:${String(i % 60).padStart(2, '0')}:00 +0000</pubDate><description><![CDATA[<p>Story ${i} says stocks moved. It has a second sentence.</p>]]></description></item>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Many</title><link>https://many.example.com/</link>${items.join('\n')}</channel></rss>`;
}
