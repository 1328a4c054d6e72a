/* Jinguo's service worker, written by hand (docs/development.md: why not Workbox). Rendered by
   jinguo.offline.views.service_worker with the static files' real names.
   - static files: cache first (production's names carry a hash), network first in DEBUG;
   - pages: the network first (her work pages for a few seconds only); without it, the offline
     pages (her households and outbox, or the visit form) — never a cached page with records;
   - everything else (JSON, POSTs): the network only, never cached. */
"use strict";
const VERSION = "{{ version }}";
const STATIC_CACHE = "jinguo-static-" + VERSION;
const SHELL_CACHE = "jinguo-shell-" + VERSION;
const FILES = {{ files|safe }};
const SHELLS = {{ shells|safe }};  /* [home, household] */
const STATIC_PREFIX = {{ static_prefix|safe }};
const STATIC_CACHE_FIRST = {{ static_cache_first|safe }};
const PAGE_TIMEOUT_MS = 6000;  /* a weak village signal still gets a page in 6 s */

/* The offline pages, one after the other (each a signed-in page: the same session). */
async function keepShells() {
  const cache = await caches.open(SHELL_CACHE);
  for (const url of SHELLS) {
    try {
      const response = await fetch(url, {credentials: "same-origin", cache: "reload"});
      if (response.ok && !response.redirected) {
        await cache.put(url, response);
      }
    } catch (error) {
      // the page asks again (offline.js, ensureShells)
    }
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(STATIC_CACHE);
    // One file lost on a weak network does not stop the worker: it is kept when a page asks.
    await Promise.all(FILES.map((file) => cache.add(file).catch(() => undefined)));
    await keepShells();
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names
      .filter((name) => name.startsWith("jinguo-") && name !== STATIC_CACHE && name !== SHELL_CACHE)
      .map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

/* The page asks for fresh offline pages (they carry her menu), or for missing ones. */
self.addEventListener("message", (event) => {
  if (event.data === "keep-shells") {
    event.waitUntil(keepShells().then(() => {
      if (event.source) {
        event.source.postMessage("shells-kept");
      }
    }));
  }
});

async function staticFile(request) {
  const cache = await caches.open(STATIC_CACHE);
  if (STATIC_CACHE_FIRST) {
    const cached = await cache.match(request);
    if (cached) {
      return cached;
    }
  }
  try {
    const response = await fetch(request);
    if (response.ok) {
      await cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    const cached = await cache.match(request);
    if (cached) {
      return cached;
    }
    throw error;
  }
}

function withinTimeout(promise) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), PAGE_TIMEOUT_MS);
    promise.then((value) => { clearTimeout(timer); resolve(value); },
                 (error) => { clearTimeout(timer); reject(error); });
  });
}

/* Pages she opens to work offline wait PAGE_TIMEOUT_MS for the network, then show the offline
   page; any other page (a report being drawn, a download) waits as long as the network takes. */
const QUICK_PAGES = ["/", "/visits/", "/visits/new/", SHELLS[0], SHELLS[1]];

async function page(request) {
  const url = new URL(request.url);
  try {
    const answer = fetch(request);
    return await (QUICK_PAGES.includes(url.pathname) ? withinTimeout(answer) : answer);
  } catch (error) {
    const form = url.pathname === "/visits/new/" && url.searchParams.has("household");
    const shell = form || url.pathname === SHELLS[1] ? SHELLS[1] : SHELLS[0];
    const cached = await caches.match(shell, {cacheName: SHELL_CACHE});
    if (cached) {
      return cached;
    }
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return;
  }
  if (url.pathname.startsWith(STATIC_PREFIX)) {
    event.respondWith(staticFile(request));
  } else if (request.mode === "navigate") {
    event.respondWith(page(request));
  }
});
