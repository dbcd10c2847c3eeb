/* Trackeep share service worker. Its scope is /share/ (where it is served from), so it never sees
   any other page. It answers share navigations from the network and, when that fails, with the
   cached offline page (and its stylesheet and script), which shows the shared address and a Retry
   button. Every other request goes to the network untouched. */
"use strict";
const CACHE = "trackeep-share-v1";
const OFFLINE_URL = "{{ offline_url|escapejs }}";
const ASSETS = [OFFLINE_URL{% for asset in assets %}, "{{ asset|escapejs }}"{% endfor %}];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE_URL)));
  } else if (ASSETS.includes(new URL(request.url).pathname)) {
    event.respondWith(fetch(request).catch(() => caches.match(request)));
  }
});
