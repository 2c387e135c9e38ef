// One test per way clustering went wrong on real news (issue 17): boilerplate,
// Title Case, the big ongoing story, templates, chaining, same-source pairs, and
// the misses (paraphrases, title-only feeds). Pure functions, plain inputs.
import { describe, expect, it } from 'vitest';
import { clusterStories, DEFAULT_THRESHOLDS, groupFit, pairScore } from '../../src/stories/cluster.js';
import { StoryCorpus } from '../../src/stories/evidence.js';
import type { Story } from '../../src/stories/model.js';
import { tokens } from '../../src/stories/similarity.js';

let n = 0;
function story(sourceId: string, time: string, title: string, summary = ''): Story {
  n++;
  return {
    id: `s${n}`,
    sourceId,
    sourceName: sourceId.toUpperCase(),
    title,
    summary,
    url: `https://${sourceId}.example.com/${n}`,
    publishedAt: `2026-01-27T${time}:00.000Z`,
    fetchedAt: '2026-01-27T23:00:00.000Z',
    section: 'markets',
  };
}

/** The titles of each group with more than one member, sorted. */
function together(stories: Story[]): string[][] {
  return clusterStories([], stories)
    .groups.filter((g) => g.members.length > 1)
    .map((g) => g.members.map((m) => m.title).sort())
    .sort((a, b) => a[0]!.localeCompare(b[0]!));
}

const filler = [
  story('bbc', '08:00', 'Bird flu found at poultry farm in Norfolk', 'A 3km protection zone has been put in place around the premises.'),
  story('guardian', '09:00', 'Country diary: the wind that scours the fells', 'A walk on a January afternoon in Cumbria.'),
  story('nyt', '10:00', 'The Minneapolis neighborhood still living with the raids', 'Residents describe weeks of fear after immigration agents arrived.'),
  story('sky', '11:00', 'Teenager jailed for murder in Bristol', 'The boy, who cannot be named, was sentenced to life.'),
];

describe('feed boilerplate carries no signal', () => {
  it('keeps a blog\'s listicles apart although every summary ends "View Entire Post ›"', () => {
    const titles = ['15 cosy winter reads', 'The 12 best budget headphones we tested', '9 easy dinners in one pan', 'The best air fryers of 2026',
      '10 walks in the Lake District', 'The 8 best dehumidifiers to beat damp', '11 of the best electric blankets', 'The 7 best running shoes for beginners'];
    const blog = titles.map((t, i) => story('listblog', `0${i + 1}:00`, t, 'Our experts picked their favourites for you. View Entire Post ›'));
    const comments = ['Show HN: a database in 500 lines of Rust', 'The unreasonable effectiveness of SQLite', 'Ask HN: how do you keep up with papers?',
      'Why we moved off Kubernetes', 'A visual guide to attention in transformers'].map((t, i) => story('hn', `1${i}:00`, t, 'Comments'));
    expect(together([...blog, ...comments, ...filler])).toEqual([]);
  });

  it('still groups one event when one outlet adds a tail and another sends only "Comments"', () => {
    const stories = [
      story('bbc', '12:30', 'Amazon to cut 16,000 corporate jobs in second round of layoffs', 'The online retailer said it was removing layers of management, three months after it cut 14,000 roles.'),
      story('appleinsider', '12:40', 'Amazon Cuts 16,000 More Corporate Jobs', 'The second round of layoffs hits corporate staff. View Entire Post ›'),
      story('hn', '12:20', 'Amazon to cut 16,000 jobs', 'Comments'),
      ...filler,
    ];
    expect(together(stories)).toEqual([['Amazon Cuts 16,000 More Corporate Jobs', 'Amazon to cut 16,000 corporate jobs in second round of layoffs', 'Amazon to cut 16,000 jobs']]);
  });
});

describe('names are names, not Title Case', () => {
  const pool = [
    story('cnbc', '10:00', 'Why Your Phone Should Show More Apps', 'Samsung said on Tuesday the feature would come to older phones.'),
    story('tnw', '11:00', 'Why Europe Needs Its Own Cloud', 'Startups in Berlin and Paris are raising more money.'),
    story('bbc', '12:00', 'Phone makers show new models', 'Why buyers wait: prices rose at Samsung and Apple.'),
    story('verge', '13:00', 'Meta forecasts strong revenue', 'The quarter beat estimates.'),
  ];
  const corpus = new StoryCorpus(pool);

  it('learns names from how the pool writes them, wherever they stand', () => {
    expect(['why', 'show', 'phone'].map((t) => corpus.isName(tokens(t)[0] ?? t))).toEqual([false, false, false]);
    // Capitalised mid-sentence; never written in lower case, even though it only opens a line.
    expect(['samsung', 'berlin', 'meta'].map((t) => corpus.isName(tokens(t)[0]!))).toEqual([true, true, true]);
  });

  it('does not take Title Case filler for a shared company', () => {
    const stories = [
      story('businesswire', '11:00', 'Acme Widgets Reports Fourth Quarter Results', 'Acme Widgets today reported fourth quarter revenue of $1.2 billion.'),
      story('cnbc', '11:05', 'Zenith Motors Reports Fourth Quarter Results', 'Zenith Motors today reported fourth quarter revenue of $3.4 billion.'),
      ...filler,
    ];
    expect(together(stories)).toEqual([]);
  });
});

describe('a big ongoing story is many events', () => {
  it('groups each development with its own coverage and nothing else', () => {
    const stories = [
      story('bbc', '06:40', "Russia pounds Ukraine's energy grid in biggest attack of the winter", 'Russia fired more than 400 drones and 40 missiles overnight at power plants, leaving much of Kyiv without electricity.'),
      story('guardian', '07:55', 'Millions without power after Russian missile and drone barrage on Ukraine', "Ukraine's energy ministry said emergency blackouts were in force after overnight strikes on power stations."),
      story('bbc', '12:10', 'Ukraine and Russia exchange 157 prisoners of war each', 'The swap, mediated by the United Arab Emirates, includes soldiers captured in Mariupol.'),
      story('sky', '12:40', 'Hundreds of soldiers return home in latest Ukraine-Russia prisoner swap', 'Freed Ukrainian troops crossed the border from Belarus; Zelensky thanked the UAE for its mediation.'),
      story('ft', '13:15', 'Germany pledges two more Patriot systems to Ukraine', 'Berlin will deliver the air-defence batteries by the spring, defence minister Boris Pistorius said.'),
      story('telegraph', '14:00', 'Putin\'s generals are running out of men', "Russia's recruitment bonuses have tripled in a year as casualties in Ukraine mount."),
      story('guardian', '06:00', 'Russia-Ukraine war live: Kyiv without power after massive overnight attack', 'Follow the latest updates as Ukraine assesses damage from the strike on its energy system.'),
      story('sky', '05:30', 'Ukraine war latest: Russia launches one of biggest attacks of war', 'Follow our live coverage as Russia targets the power grid.'),
      ...filler,
    ];
    expect(together(stories)).toEqual([
      ['Hundreds of soldiers return home in latest Ukraine-Russia prisoner swap', 'Ukraine and Russia exchange 157 prisoners of war each'],
      ['Millions without power after Russian missile and drone barrage on Ukraine', "Russia pounds Ukraine's energy grid in biggest attack of the winter"],
    ]);
  });
});

describe('templates: the distinguishing token counts more than the template', () => {
  it('keeps eBay Q4 2008 and Google Q4 2008 apart, and joins eBay\'s own coverage', () => {
    const stories = [
      story('businesswire', '21:05', 'eBay Inc. Reports Fourth Quarter 2008 Results', 'eBay Inc. (Nasdaq: EBAY) today reported results for the fourth quarter ended December 31, 2008, with revenue of $2.0 billion.'),
      story('prnewswire', '21:06', 'Google Reports Fourth Quarter 2008 Results', 'Google Inc. (Nasdaq: GOOG) today reported results for the fourth quarter ended December 31, 2008, with revenue of $5.7 billion.'),
      story('cnbc', '21:20', 'eBay Q4 2008 Revenue Falls As Auctions Slow', 'eBay said fourth-quarter revenue fell 7% to $2.0 billion.'),
      ...filler,
    ];
    expect(together(stories)).toEqual([['eBay Inc. Reports Fourth Quarter 2008 Results', 'eBay Q4 2008 Revenue Falls As Auctions Slow']]);
  });

  it('keeps one OS beta from another, and one month\'s post from the last', () => {
    const stories = [
      story('macrumors', '18:05', 'Apple Seeds Third Betas of iOS 26.3 and iPadOS 26.3 to Developers', 'Apple today seeded the third betas of upcoming iOS 26.3 and iPadOS 26.3 updates to developers for testing purposes.'),
      story('ninetofive', '18:10', 'iOS 26.3 beta 3 now available for developers', 'Apple is out with the third beta of iOS 26.3 for developers.'),
      story('appleinsider', '18:20', 'Apple Seeds Third Beta of tvOS 26.3 to Developers', 'Apple today seeded the third beta of an upcoming tvOS 26.3 update to developers for testing purposes.'),
      story('ninetofive', '18:40', 'watchOS 26.3 beta 3 now available for developers', 'Apple is out with the third beta of watchOS 26.3 for developers.'),
      story('wpnews', '12:00', 'The Month in WordPress – February 2026', 'February brought the WordPress 7.0 beta schedule and updates from the community.'),
      story('wpnews', '12:30', 'The Month in WordPress – January 2026', 'January brought WordPress 7.0 planning posts and updates from the community.'),
      story('wptavern', '13:00', 'The Month in WordPress – February 2026', 'February brought the WordPress 7.0 beta schedule and updates from the community.'),
      ...filler,
    ];
    expect(together(stories)).toEqual([
      ['Apple Seeds Third Betas of iOS 26.3 and iPadOS 26.3 to Developers', 'iOS 26.3 beta 3 now available for developers'],
      ['The Month in WordPress – February 2026', 'The Month in WordPress – February 2026'],
    ]);
  });

  it('writes amounts, quarters and beta numbers one way', () => {
    expect(tokens('$48 billion in fourth-quarter revenue')).toEqual(tokens('48bn in Q4 revenue'));
    expect(tokens('Apple seeds third developer beta')).toEqual(tokens('Apple seeds developer beta 3'));
  });
});

describe('membership resists chaining', () => {
  const a = story('bbc', '09:00', 'Tesla cuts Model Y prices in China', 'Tesla lowered prices of its Model Y in China by 5% to win back buyers from BYD.');
  const b = story('cnbc', '09:30', 'Tesla cuts China prices and recalls 200,000 cars over seat belt fault', 'Tesla lowered Model Y prices in China and separately recalled 200,000 vehicles in the US over a seat belt fault.');
  const c = story('nyt', '10:00', 'Tesla recalls 200,000 vehicles over seat belt fault', 'The recall covers Model 3 cars built since 2023; a seat belt warning chime may not sound, regulators said.');
  const corpus = new StoryCorpus([a, b, c, ...filler]);
  const [ea, eb, ec] = [a, b, c].map((s) => corpus.evidence(s)) as [ReturnType<typeof corpus.evidence>, ReturnType<typeof corpus.evidence>, ReturnType<typeof corpus.evidence>];

  it('does not let a story join a group through one member', () => {
    expect(pairScore(ec, eb)).toBeGreaterThanOrEqual(DEFAULT_THRESHOLDS.link);
    expect(pairScore(ec, ea)).toBeLessThan(DEFAULT_THRESHOLDS.support);
    expect(groupFit(ec, [ea, eb])).toBeNull();
    expect(groupFit(ec, [eb])).not.toBeNull();
  });
});

describe('groups that formed side by side for one event', () => {
  it('merge once new coverage shows they are one, and the pool group that went is named', () => {
    const a = story('gnews', '00:55', 'Samsung Q4 profit triples to record on AI memory demand - Reuters');
    const b = story('ft', '01:30', 'Samsung Electronics posts record quarterly profit on memory boom', 'Operating profit rose to 20tn won as prices of memory chips used in AI data centres soared.');
    const c = story('cnbc', '02:00', 'Samsung Posts Record Quarterly Profit As Memory Prices Surge', "Samsung's chip division reported operating profit of 16.4 trillion won, beating analysts' estimates.");
    const d = story('bbc', '02:10', 'Samsung profits hit record on AI chip demand', 'The South Korean tech giant said operating profit more than tripled to 20 trillion won in the last three months of 2025.');
    const pool = [{ id: 'pool-a', members: [a] }, { id: 'pool-b', members: [b] }, ...filler.slice(0, 3).map((f) => ({ id: `pool-${f.id}`, members: [f] }))];
    const r = clusterStories(pool, [c, d]);
    expect(r.groups.find((g) => g.id === 'pool-a')!.members.map((m) => m.sourceId).sort()).toEqual(['bbc', 'cnbc', 'ft', 'gnews']);
    expect(r.removed).toEqual(['pool-b']);
    expect([...r.changed]).toEqual(['pool-a']);
  });
});

describe('same source', () => {
  it('an outlet\'s report and its explainer of one event stay two entries; another outlet joins the report', () => {
    const stories = [
      story('nyt', '19:10', 'Fed leaves interest rates unchanged despite Trump\'s demands', 'The Federal Reserve held its benchmark rate at 3.5 to 3.75 percent, pausing its cuts.'),
      story('nyt', '22:00', 'What the Fed\'s pause means for mortgages, credit cards and savings', 'Borrowing costs are unlikely to fall soon after the Federal Reserve held rates at 3.5 to 3.75 percent.'),
      story('bbc', '19:20', 'US central bank keeps interest rates on hold', 'The Federal Reserve held borrowing costs at 3.5%-3.75%, defying President Trump\'s calls for cuts.'),
      ...filler,
    ];
    expect(together(stories)).toEqual([['Fed leaves interest rates unchanged despite Trump\'s demands', 'US central bank keeps interest rates on hold']]);
  });

  it('a republished item with a corrected headline stays one entry', () => {
    const first = story('bbc', '10:00', 'Gold price soars to new record high above $5,300', 'The price of gold has risen above $5,300 an ounce for the first time as investors seek safety.');
    const again = { ...story('bbc', '10:40', 'Gold price soars to record high above $5,300', 'The price of gold has risen above $5,300 an ounce for the first time as investors seek safety.') };
    expect(together([first, again, ...filler])).toHaveLength(1);
  });
});

describe('misses: paraphrases and title-only feeds', () => {
  it('joins a paraphrase that shares little wording but names the same people', () => {
    const stories = [
      story('nyt', '17:00', 'Fourth House Republican who voted to impeach Trump announces retirement', 'Representative Anthony Gonzalez of Ohio said he would not seek re-election, citing threats against his family.'),
      story('huffpost', '18:30', "Another Republican Who Crossed Trump Won't Run For Reelection", 'Ohio Rep. Anthony Gonzalez is leaving Congress after voting to impeach the former president.'),
      ...filler,
    ];
    expect(together(stories)).toHaveLength(1);
  });

  it('joins a headline-only item to a story with a long summary (length is not punished)', () => {
    const stories = [
      story('ft', '14:20', 'Trump nominates Kevin Warsh as next Fed chair', 'Treasury yields rose and the dollar strengthened after the president said he would nominate the former governor to succeed Jerome Powell when his term ends in May; Warsh has argued for lower rates and a smaller balance sheet.'),
      story('gnews', '14:10', 'Trump to nominate Kevin Warsh as Federal Reserve chair - Reuters'),
      story('gnews', '09:00', 'Oil rises as winter storm curbs US output - Reuters'),
      ...filler,
    ];
    expect(together(stories)).toEqual([['Trump nominates Kevin Warsh as next Fed chair', 'Trump to nominate Kevin Warsh as Federal Reserve chair - Reuters']]);
  });
});
