/* Jinguo's service worker, written by hand (docs/development.md: why not Workbox). Rendered by jinguo.offline.views.service_worker with the static files' real names.
   - static files: cache first (production's names carry a hash), network first in DEBUG;
   - pages: the network first, within a few seconds; without it, the offline pages (her
     households and outbox, or the visit form) — never a cached copy of a page with records;
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

async function keepShells() {
  const cache = await caches.open(SHELL_CACHE);
  await Promise.all(SHELLS.map(async (url) => {
    const response = await fetch(url, {credentials: "same-origin", cache: "reload"});
    if (response.ok && !response.redirected) {
      await cache.put(url, response);
    }
  }));
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(STATIC_CACHE);
    await cache.addAll(FILES);
    await keepShells().catch(() => undefined);
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

/* The page asks for fresh offline pages once signed in (they carry her menu). */
self.addEventListener("message", (event) => {
  if (event.data === "keep-shells") {
    event.waitUntil(keepShells().catch(() => undefined));
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

async function page(request) {
  try {
    return await withinTimeout(fetch(request));
  } catch (error) {
    const url = new URL(request.url);
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
