// werkbank service worker: pages once visited and saved trades open offline.
//
// Pages are fetched from the network first, so online readers always see the current
// content; the stored copy is only a fallback. The version below changes with every
// content version: the new worker then stores the saved trades and the visited pages
// anew and deletes the old caches, so no stale material remains after an update.
'use strict';

const VERSION = '__VERSION__';
const PRECACHE = "__PRECACHE__";
const PREFIX = 'werkbank-';
const STATIC = PREFIX + 'static-' + VERSION;
const PAGES = PREFIX + 'pages-' + VERSION;
const SAVED = PREFIX + 'saved-' + VERSION;
// The list of saved trades outlives versions: it says what to store again.
const META = PREFIX + 'meta';
const SAVED_LIST = '/__werkbank/gespeichert.json';
const OFFLINE_API = '/api/v1/offline/';
// Visited pages stored again after an update, at most.
const MAX_REFRESH = 200;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(STATIC)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    const old = names.filter((n) => n.startsWith(PREFIX) && n !== META &&
      ![STATIC, PAGES, SAVED].includes(n));
    await restoreSaved();
    await refreshVisited(old.filter((n) => n.startsWith(PREFIX + 'pages-')));
    await Promise.all(old.map((n) => caches.delete(n)));
    await self.clients.claim();
  })());
});

// Stores every saved trade of the list again, in this version's cache.
async function restoreSaved() {
  const meta = await caches.open(META);
  const stored = await meta.match(SAVED_LIST);
  if (!stored) return;
  let list;
  try { list = await stored.json(); } catch (_) { return; }
  const cache = await caches.open(SAVED);
  for (const entry of list) {
    try {
      const response = await fetch(OFFLINE_API + encodeURIComponent(entry.trade), { cache: 'no-store' });
      if (!response.ok) continue;
      const bundle = await response.json();
      const urls = bundle.pages.map((p) => entry.lang === 'en' ? '/en' + p : p).concat(bundle.files);
      await cache.addAll(urls);
    } catch (_) {
      // Offline during the update: the trade is stored again on the next one.
    }
  }
}

// Stores the pages visited under an old version anew.
async function refreshVisited(oldNames) {
  const cache = await caches.open(PAGES);
  let count = 0;
  for (const name of oldNames) {
    const old = await caches.open(name);
    for (const request of await old.keys()) {
      if (count++ >= MAX_REFRESH) return;
      try {
        const response = await fetch(request.url, { cache: 'no-store' });
        if (response.ok) await cache.put(request.url, response);
      } catch (_) {
        return;
      }
    }
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/assets/')) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === 'navigate') {
    event.respondWith(page(request, url));
  } else if (!url.pathname.startsWith('/api/')) {
    event.respondWith(networkFirst(request));
  }
});

// Fingerprinted assets never change under their name.
async function cacheFirst(request) {
  const hit = await caches.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(STATIC);
    await cache.put(request, response.clone());
  }
  return response;
}

// A page: the network's answer, stored for later; offline the stored copy, else the
// offline page in the page's language.
async function page(request, url) {
  try {
    const response = await fetch(request);
    if (response.ok && !url.search) {
      const cache = await caches.open(PAGES);
      await cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    const hit = await caches.match(request, { ignoreVary: true });
    if (hit) return hit;
    const offline = url.pathname === '/en' || url.pathname.startsWith('/en/') ? '/en/offline' : '/offline';
    const fallback = await caches.match(offline);
    if (fallback) return fallback;
    throw error;
  }
}

// Files and everything else: the network first, the stored copy offline.
async function networkFirst(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const hit = await caches.match(request, { ignoreVary: true });
    if (hit) return hit;
    throw error;
  }
}
