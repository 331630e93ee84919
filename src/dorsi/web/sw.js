// Dorsi's service worker, served at /sw.js so that its scope is the whole site (web/pwa.py
// fills in VERSION, STATIC and CAMERA_VERSION). It makes the patient's Today, guided session
// and exercise pictures work with no connection, keeps a check-in sent while offline until it
// can be sent (static/offline-store.js), and keeps the camera's pose model once the patient has
// turned the camera on (static/camera.js keeps its own saves made offline). It is registered only from patient pages (static/pwa.js);
// docs/offline.md says what is cached and why.
"use strict";
importScripts("/static/offline-store.js");

var VERSION = "__VERSION__";
var STATIC = __STATIC__;
var STATIC_CACHE = "dorsi-static-" + VERSION;
// The signed-in patient's own pages and pictures; emptied when another user signs in on this
// phone (static/pwa.js) and, with everything else, at sign-out (Clear-Site-Data).
var PAGES_CACHE = "dorsi-pages";
var PAGES = ["/me", "/me/session"];  // the only pages ever kept
var OFFLINE_PAGE = "/static/offline.html";
// The camera measure's runtime and pose model (about 21 MB, static/vendor): not kept at
// install (every patient's first visit would fetch them), but the first time the patient turns
// the camera on; from then on the camera works offline. Named after the assets' build, so a
// new build replaces them and a new release without one keeps them.
var CAMERA_CACHE = "dorsi-camera-" + "__CAMERA_VERSION__";
var CAMERA_PREFIX = "/static/vendor/";

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(STATIC_CACHE)
      .then(function (cache) { return cache.addAll(STATIC); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return (name.indexOf("dorsi-static-") === 0 && name !== STATIC_CACHE)
          || (name.indexOf("dorsi-camera-") === 0 && name !== CAMERA_CACHE);
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function keepable(response) {
  // A redirect (to the sign-in page, when the session ended) or an error is never kept.
  return response.ok && !response.redirected && response.type === "basic";
}

function fromNetworkFirst(request) {
  return fetch(request).then(function (response) {
    if (keepable(response)) {
      var copy = response.clone();
      caches.open(PAGES_CACHE).then(function (cache) { return cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.open(PAGES_CACHE)
      .then(function (cache) { return cache.match(request); })
      .then(function (kept) { return kept || caches.match(OFFLINE_PAGE); });
  });
}

// Pictures answer with Vary: Cookie, Accept-Language (their captions follow the reader's
// language); the copy kept is the reader's own, re-kept when the language changes (pwa.js),
// so the match ignores Vary.
function fromCacheFirst(request, cacheName) {
  return caches.open(cacheName).then(function (cache) {
    return cache.match(request, { ignoreVary: true }).then(function (kept) {
      return kept || fetch(request).then(function (response) {
        if (keepable(response)) { cache.put(request, response.clone()); }
        return response;
      });
    });
  });
}

// A check-in form sent with no connection: kept on the phone under its idempotency key, and
// the patient is taken to Today, which says that it is waiting (static/pwa.js sends it).
function sendOrKeep(request) {
  var copy = request.clone();
  return fetch(request).catch(function () {
    return Promise.all([copy.formData(), DorsiStore.getMeta("user")]).then(function (got) {
      var form = got[0], owner = got[1], fields = {};
      form.forEach(function (value, name) {
        if (typeof value === "string") { fields[name] = value; }
      });
      if (!owner || !fields.idempotency_key) { return caches.match(OFFLINE_PAGE); }
      // The day it was made (the server's day: UTC), not the day it is sent. Should the first
      // try have reached the server after all, the server answers that the key is taken.
      fields.date = fields.date || new Date().toISOString().slice(0, 10);
      return DorsiStore.save({
        key: fields.idempotency_key,
        owner: owner,
        fields: fields,
        saved_at: new Date().toISOString()
      }).then(function () { return Response.redirect("/me", 303); });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method === "POST") {
    if (request.mode === "navigate" && url.pathname === "/me/session") {
      event.respondWith(sendOrKeep(request));
    }
    return;
  }
  if (request.method !== "GET") { return; }
  if (request.mode === "navigate") {
    if (PAGES.indexOf(url.pathname) >= 0) {
      event.respondWith(fromNetworkFirst(request));
    } else {
      event.respondWith(fetch(request).catch(function () { return caches.match(OFFLINE_PAGE); }));
    }
  } else if (url.pathname.indexOf("/exercises/") === 0) {
    event.respondWith(fromCacheFirst(request, PAGES_CACHE));
  } else if (STATIC.indexOf(url.pathname) >= 0) {
    event.respondWith(fromCacheFirst(request, STATIC_CACHE));
  } else if (url.pathname.indexOf(CAMERA_PREFIX) === 0) {
    event.respondWith(fromCacheFirst(request, CAMERA_CACHE));
  }
});

// Web Push: a reminder from the server (its payload: {"title", "body"}) is shown as a
// notification; tapping it opens Today (or brings an open Dorsi window there).
self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  var title = typeof data.title === "string" && data.title ? data.title : "Dorsi";
  var body = typeof data.body === "string" ? data.body : "";
  event.waitUntil(self.registration.showNotification(title, {
    body: body,
    icon: "/static/icons/icon-192.png",
    badge: "/static/icons/maskable-192.png",
    tag: "dorsi-reminder",
    data: { url: "/me" }
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (open) {
      for (var i = 0; i < open.length; i += 1) {
        if ("navigate" in open[i] && "focus" in open[i]) {
          return open[i].navigate("/me").then(function (client) {
            return client ? client.focus() : self.clients.openWindow("/me");
          });
        }
      }
      return self.clients.openWindow("/me");
    })
  );
});
