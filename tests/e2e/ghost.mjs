// Ghost's official JavaScript client (@tryghost/content-api) reads a sitrep
// site as a front end written for Ghost would: the default language at the
// site's root, each other language at its own prefix.
//
//   node tests/e2e/ghost.mjs BASE_URL CONTENT_API_KEY

import GhostContentAPI from '@tryghost/content-api';
import { baseFromArgs, check, expectEqual, run } from './lib.mjs';

const { BASE } = baseFromArgs('ghost.mjs');
const KEY = process.argv[3];
if (!KEY) {
  console.error('usage: node tests/e2e/ghost.mjs BASE_URL CONTENT_API_KEY');
  process.exit(2);
}

const client = (url, key = KEY) => new GhostContentAPI({ url, key, version: 'v5.0' });

async function main() {
  const be = client(BASE);
  const ru = client(`${BASE}/ru`);

  let posts;
  await check('posts.browse pages the default language', async () => {
    posts = await be.posts.browse({ limit: 3, include: 'tags,authors' });
    const p = posts.meta?.pagination;
    if (!p || p.page !== 1 || p.limit !== 3 || p.next !== 2 || p.prev !== null) {
      return `pagination: ${JSON.stringify(p)}`;
    }
    if (posts.length !== 3) return `${posts.length} posts`;
    if (!posts[0].url.includes('/be/commentaries/')) return posts[0].url;
    if (!posts[0].primary_tag?.slug || !posts[0].primary_author?.name) return 'no tag or author';
    return true;
  }, { critical: true });

  await check('the next page follows on', async () => {
    const next = await be.posts.browse({ limit: 3, page: 2 });
    if (next.meta.pagination.prev !== 1) return JSON.stringify(next.meta.pagination);
    const seen = new Set(posts.map((p) => p.id));
    return next.every((p) => !seen.has(p.id)) || 'a post came twice';
  });

  await check('posts.read finds a post by slug and by id', async () => {
    const bySlug = await be.posts.read({ slug: posts[0].slug }, { formats: ['html', 'plaintext'] });
    const byId = await be.posts.read({ id: posts[0].id });
    if (Array.isArray(bySlug) || bySlug.slug !== posts[0].slug) return `by slug: ${JSON.stringify(bySlug).slice(0, 200)}`;
    if (typeof bySlug.plaintext !== 'string') return 'no plaintext';
    return expectEqual(byId.title, posts[0].title);
  });

  await check('a filter narrows posts to one tag, without the one being read', async () => {
    const tag = posts[0].primary_tag.slug;
    const related = await be.posts.browse({ filter: `tags:${tag}+id:-${posts[0].id}`, include: 'tags', limit: 'all' });
    if (related.some((p) => p.id === posts[0].id)) return 'the post itself came back';
    return related.every((p) => p.primary_tag.slug === tag) || 'another tag came back';
  });

  await check('tags.browse counts posts per tag', async () => {
    const tags = await be.tags.browse({ include: 'count.posts', limit: 'all' });
    if (tags.length < 2) return `${tags.length} tags`;
    return tags.some((t) => t.count?.posts > 0) || 'no counts';
  });

  await check('authors.read by slug', async () => {
    const author = await be.authors.read({ slug: posts[0].primary_author.slug });
    return expectEqual(author.slug, posts[0].primary_author.slug);
  });

  await check('pages.browse lists static pages', async () => {
    const pages = await be.pages.browse();
    return pages.length > 0 || 'no pages';
  });

  await check('settings.browse gives the title and language', async () => {
    const settings = await ru.settings.browse();
    if (!settings.title) return 'no title';
    return expectEqual(settings.lang, 'ru');
  });

  await check('another language is another Ghost site at its prefix', async () => {
    const ruPosts = await ru.posts.browse({ limit: 1 });
    return ruPosts[0].url.includes('/ru/commentaries/') || ruPosts[0].url;
  });

  await check('a missing post is a NotFoundError', async () => {
    try {
      await be.posts.read({ slug: 'no-such-post-anywhere' });
      return 'it was found';
    } catch (err) {
      return expectEqual(err.name, 'NotFoundError');
    }
  });

  await check('a wrong key is refused', async () => {
    try {
      await client(BASE, '0123456789abcdef0123456789').posts.browse();
      return 'it was accepted';
    } catch (err) {
      return expectEqual(err.name, 'UnauthorizedError');
    }
  });

  await check('a bad filter is a BadRequestError with a message', async () => {
    try {
      await be.posts.browse({ filter: 'tag:[a,b' });
      return 'it was accepted';
    } catch (err) {
      return err.name === 'BadRequestError' && err.message.length > 0 ? true : `${err.name}: ${err.message}`;
    }
  });
}

await run(main, { timeoutMs: 60_000 });
