// Reminders page: fill in the phone's time zone, copy the calendar link, and subscribe this
// browser to reminder notifications (Web Push) through the app's service worker.
// The page works without this file (a plain form); this only adds help.
(function () {
  "use strict";
  var zone = document.querySelector("[data-detect-timezone]");
  if (zone && !zone.value && window.Intl) {
    zone.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  }

  var copy = document.getElementById("copy-calendar");
  var url = document.getElementById("calendar-url");
  if (copy && url) {
    copy.addEventListener("click", function () {
      url.select();
      var done = function () { copy.textContent = copy.getAttribute("data-copied"); };
      if (navigator.clipboard) {
        navigator.clipboard.writeText(url.value).then(done, function () {});
      } else if (document.execCommand("copy")) {
        done();
      }
    });
  }

  var button = document.getElementById("push-on");
  var status = document.getElementById("push-status");
  if (!button || !status) { return; }
  function say(kind) { status.textContent = status.getAttribute("data-" + kind); }
  function bytes(base64url) {
    var text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/") +
      "====".slice((base64url.length % 4) || 4));
    var out = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) { out[i] = text.charCodeAt(i); }
    return out;
  }
  function send(subscription) {
    var json = subscription.toJSON();
    var form = new URLSearchParams();
    form.set("csrf_token", button.getAttribute("data-csrf"));
    form.set("endpoint", json.endpoint);
    form.set("p256dh", json.keys.p256dh);
    form.set("auth", json.keys.auth);
    return fetch("/me/reminders/push", {
      method: "POST", body: form, credentials: "same-origin"
    }).then(function (answer) {
      if (!answer.ok) { throw new Error("refused"); }
      say("on");
    });
  }
  button.addEventListener("click", function () {
    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !window.Notification) {
      say("unsupported");
      return;
    }
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") { say("denied"); return null; }
      // The app's service worker (registered by the app's pages) shows the notifications.
      var timeout = new Promise(function (_, reject) {
        setTimeout(function () { reject(new Error("no service worker")); }, 10000);
      });
      return Promise.race([navigator.serviceWorker.ready, timeout]).then(function (reg) {
        return reg.pushManager.getSubscription().then(function (existing) {
          return existing || reg.pushManager.subscribe({
            userVisibleOnly: true,
            applicationServerKey: bytes(button.getAttribute("data-key"))
          });
        });
      }).then(send);
    }).catch(function () { say("failed"); });
  });
})();
