// The phone's own store of check-ins and camera measurements waiting to be sent (IndexedDB),
// shared by the pages (static/pwa.js, static/camera.js) and the service worker (/sw.js,
// importScripts). Each waiting item is
// kept under its idempotency key with its owner (the user who made it), so it is sent once,
// and only ever under its own owner's sign-in.
(function (scope) {
  "use strict";
  var NAME = "dorsi-offline";
  var opening = null;

  function open() {
    if (!opening) {
      opening = new Promise(function (resolve, reject) {
        var request = indexedDB.open(NAME, 1);
        request.onupgradeneeded = function () {
          var db = request.result;
          db.createObjectStore("checkins", { keyPath: "key" });
          db.createObjectStore("meta", { keyPath: "name" });
        };
        request.onsuccess = function () {
          var db = request.result;
          // Sign-out clears the site's storage: let the deletion through, open again later.
          db.onversionchange = function () { db.close(); opening = null; };
          resolve(db);
        };
        request.onerror = function () { opening = null; reject(request.error); };
      });
    }
    return opening;
  }

  function run(storeName, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(storeName, mode);
        var result = work(tx.objectStore(storeName));
        tx.oncomplete = function () { resolve(result && "result" in result ? result.result : undefined); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  scope.DorsiStore = {
    // {key, owner, fields, saved_at}, and url: "/me/camera-sessions" for a camera save
    save: function (item) { return run("checkins", "readwrite", function (s) { return s.put(item); }); },
    remove: function (key) { return run("checkins", "readwrite", function (s) { return s.delete(key); }); },
    waiting: function (owner) {
      return run("checkins", "readonly", function (s) { return s.getAll(); }).then(function (all) {
        return (all || []).filter(function (item) { return item.owner === owner; });
      });
    },
    getMeta: function (name) {
      return run("meta", "readonly", function (s) { return s.get(name); }).then(function (row) {
        return row ? row.value : null;
      });
    },
    setMeta: function (name, value) {
      return run("meta", "readwrite", function (s) { return s.put({ name: name, value: value }); });
    }
  };
})(self);
