// The patient pages as an app that works offline (docs/offline.md). The pages work without
// this file; it registers the service worker (/sw.js), keeps the patient's Today, session
// pages and pictures on the phone, and sends the check-ins kept while offline, once each.
(function () {
  "use strict";
  var body = document.body;
  var user = body.getAttribute("data-user") || "";
  var role = body.getAttribute("data-role") || "";
  if (!user || !("serviceWorker" in navigator) || !window.caches || !window.DorsiStore) {
    return;  // signed out: check-ins kept here wait for their owner to sign in again
  }
  var PAGES_CACHE = "dorsi-pages";  // the same name as in sw.js
  var status = document.getElementById("offline-status");

  if (role !== "patient") {
    // A clinician or an admin on this browser: no patient's pages stay, no worker runs.
    caches.delete(PAGES_CACHE);
    navigator.serviceWorker.getRegistrations().then(function (found) {
      found.forEach(function (registration) { registration.unregister(); });
    });
    return;
  }

  function say(name, kind) {
    if (!status) { return; }
    status.textContent = status.getAttribute("data-" + name) || "";
    status.className = "notice " + (kind || "");
    status.hidden = false;
  }

  function csrfToken() {
    var field = document.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }

  // Another user's pages never stay: a new owner empties the pages cache first.
  var owned = DorsiStore.getMeta("user").then(function (previous) {
    if (previous === user) { return null; }
    return caches.delete(PAGES_CACHE)
      .then(function () { return DorsiStore.setMeta("precached", null); })
      .then(function () { return DorsiStore.setMeta("user", user); });
  });

  // Today names the pages and pictures of the patient's program (meta dorsi-offline); they
  // are fetched again only when the program, its state or the language changed.
  function precache() {
    var meta = document.querySelector("meta[name=dorsi-offline]");
    if (!meta) { return Promise.resolve(); }
    var urls = meta.getAttribute("content").split(" ").filter(Boolean);
    var version = meta.getAttribute("data-version");
    return navigator.serviceWorker.ready.then(function () {
      return Promise.all([DorsiStore.getMeta("precached"), caches.open(PAGES_CACHE)]);
    }).then(function (got) {
      var same = got[0] === version, cache = got[1];
      return Promise.all(urls.map(function (url) {
        var kept = same ? cache.match(url, { ignoreVary: true }) : Promise.resolve(undefined);
        return kept.then(function (found) {
          if (found) { return null; }
          return fetch(url, { credentials: "same-origin", redirect: "error" }).then(function (r) {
            if (!r.ok) { throw new Error(url + " answered " + r.status); }
            return cache.put(url, r);
          });
        });
      })).then(function () { return DorsiStore.setMeta("precached", version); });
    }).then(function () {
      document.documentElement.setAttribute("data-offline-ready", "yes");
    });
  }

  var CAMERA_URL = "/me/camera-sessions";  // static/camera.js keeps its saves with this url

  // A camera save answers with a redirect back to its step when it is stored (or was stored
  // before under its key); 422 when the server will never take it.
  function cameraAnswer(item, answer, state) {
    if (answer.type === "opaqueredirect" || answer.status === 422) {
      if (answer.status === 422) { state.cameraRefused += 1; } else { state.cameraSent += 1; }
      return DorsiStore.remove(item.key).then(function () { return state; });
    }
    state.signIn = answer.status === 401;
    state.stop = true;  // 403 (a token), 5xx: try again later
    return state;
  }

  // Each waiting check-in or camera save goes to the server under its own idempotency key,
  // so a repeat (a lost answer, two tabs) is stored once. Oldest first.
  function sendOne(item, token, state) {
    var form = new URLSearchParams();
    Object.keys(item.fields).forEach(function (name) { form.set(name, item.fields[name]); });
    form.set("csrf_token", token);  // this session's token (the kept one may be stale)
    var camera = item.url === CAMERA_URL;
    return fetch(camera ? CAMERA_URL : "/me/session", {
      method: "POST", body: form, credentials: "same-origin", redirect: "manual"
    }).then(function (answer) {
      if (camera) { return cameraAnswer(item, answer, state); }
      if (answer.ok || answer.status === 422) {
        return answer.text().then(function (html) {
          var page = new DOMParser().parseFromString(html, "text/html");
          if (answer.ok || page.getElementById("idempotency_key-error")) {
            // stored now, or already stored under this key (its answer was lost)
            state.sent += 1;
            var advice = page.querySelector("main .notice.danger");
            if (advice) { state.advice.push(advice); }
          } else {
            state.refused += 1;  // the server will never take it as it is
          }
          return DorsiStore.remove(item.key).then(function () { return state; });
        });
      }
      state.signIn = answer.status === 401 || answer.type === "opaqueredirect";
      state.stop = true;  // 403 (an old form's token), 5xx: try again later
      return state;
    }, function () { state.stop = true; return state; });
  }

  var flushing = null;
  function flush() {
    if (flushing) { return flushing; }
    var state = {
      sent: 0, refused: 0, cameraSent: 0, cameraRefused: 0, advice: [], stop: false,
      signIn: false
    };
    flushing = DorsiStore.waiting(user).then(function (items) {
      items.sort(function (a, b) { return a.saved_at < b.saved_at ? -1 : 1; });
      var token = csrfToken();
      return items.reduce(function (chain, item) {
        return chain.then(function () { return state.stop ? state : sendOne(item, token, state); });
      }, Promise.resolve(state));
    }).then(function () {
      return DorsiStore.waiting(user);
    }).then(function (left) {
      if (state.refused) { say("refused", "danger"); }
      else if (state.cameraRefused) { say("camera-refused", "danger"); }
      else if (left.length && state.signIn) { say("sign-in", "warn"); }
      else if (left.length) { say("waiting", "warn"); }
      else if (state.sent) { say("sent", "ok"); }
      else if (state.cameraSent) { say("camera-sent", "ok"); }
      state.advice.forEach(function (node) {
        status.insertAdjacentElement("afterend", document.importNode(node, true));
      });
    }).catch(function () { /* tried again when the connection returns */ }).then(function () {
      flushing = null;
    });
    return flushing;
  }

  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {
    /* no worker (private mode, storage cleared at sign-out): the pages work online */
  });
  owned.then(function () {
    return DorsiStore.waiting(user);
  }).then(function (items) {
    if (items.length) { say("waiting", "warn"); }
    if (navigator.onLine) {
      return Promise.all([flush(), precache()]);
    }
    return null;
  }).catch(function () { /* offline use is a help; the page works without it */ });
  window.addEventListener("online", function () { owned.then(flush); });

  // Signing out: the check-ins and camera saves kept here are sent first, then this phone keeps nothing of
  // the patient (the server's answer also clears the site's data: Clear-Site-Data).
  var signOut = document.querySelectorAll("form[action='/logout']");
  Array.prototype.forEach.call(signOut, function (form) {
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-cleared") === "yes") { return; }
      event.preventDefault();
      if (!navigator.onLine) { say("offline-sign-out", "warn"); return; }
      flush().then(function () { return caches.keys(); }).then(function (names) {
        return Promise.all(names.filter(function (name) {
          return name.indexOf("dorsi-") === 0;
        }).map(function (name) { return caches.delete(name); }));
      }).catch(function () { /* the server's Clear-Site-Data does it too */ }).then(function () {
        form.setAttribute("data-cleared", "yes");
        form.submit();
      });
    });
  });
})();
