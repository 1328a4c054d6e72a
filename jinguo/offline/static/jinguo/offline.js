/* Work without a network (jinguo.offline), on every page:
   - registers the service worker (/sw.js) for a user who records visits;
   - keeps her households on the phone (IndexedDB "jinguo-offline", store "kv", key "snapshot":
     number, head's name, address, non-sensitive categories, due date; never an ID number or a
     phone), refreshed at most every 10 minutes, deleted 7 days after her last sign-in, on the
     login page and at logout;
   - a form marked data-offline (the visit form; the offline page's visit, wish and case forms)
     saved without a network goes to the outbox (store "outbox"), each item with an id made here
     (crypto.randomUUID) so that sending it twice stores it once; the outbox is sent when the
     network comes back, on every page load and with «立即发送»; what the server refuses stays,
     with its reason, until she removes it;
   - fills the offline pages (her households and the outbox; a household's forms).
   Words come from #offline-strings (data- attributes in her language). */
(function () {
  "use strict";
  var body = document.body;
  var words = (document.getElementById("offline-strings") || {dataset: {}}).dataset;
  var DB_NAME = "jinguo-offline";
  var SNAPSHOT_URL = "/offline/households.json";
  var SYNC_URL = "/offline/sync/";
  var WEEK_MS = 7 * 24 * 3600 * 1000;
  var REFRESH_MS = 10 * 60 * 1000;
  var user = body.dataset.offlineUser || "";

  // --- IndexedDB, a promise at a time ------------------------------------------------------------
  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore("outbox", {keyPath: "client_id"});
        request.result.createObjectStore("kv");
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function run(store, mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(store, mode);
        var request = work(transaction.objectStore(store));
        transaction.oncomplete = function () { db.close(); resolve(request.result); };
        transaction.onerror = transaction.onabort = function () {
          db.close();
          reject(transaction.error);
        };
      });
    });
  }
  function snapshotGet() { return run("kv", "readonly", function (s) { return s.get("snapshot"); }); }
  function snapshotPut(value) {
    return run("kv", "readwrite", function (s) { return s.put(value, "snapshot"); });
  }
  function snapshotDelete() {
    return run("kv", "readwrite", function (s) { return s.delete("snapshot"); });
  }
  function outboxAll() { return run("outbox", "readonly", function (s) { return s.getAll(); }); }
  function outboxPut(item) { return run("outbox", "readwrite", function (s) { return s.put(item); }); }
  function outboxDelete(id) {
    return run("outbox", "readwrite", function (s) { return s.delete(id); });
  }
  function wipe() {
    var caches = window.caches ? window.caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name.indexOf("jinguo-") === 0; })
        .map(function (name) { return window.caches.delete(name); }));
    }) : Promise.resolve();
    var database = new Promise(function (resolve) {
      var request = indexedDB.deleteDatabase(DB_NAME);
      request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
    });
    return Promise.all([caches, database]);
  }

  function newId() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    var bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); });
    return [hex.slice(0, 4), hex.slice(4, 6), hex.slice(6, 8), hex.slice(8, 10), hex.slice(10)]
      .map(function (part) { return part.join(""); }).join("-");
  }

  function notice(text, kind) {
    var box = document.getElementById("offline-notice");
    if (!box) {
      box = document.createElement("div");
      box.id = "offline-notice";
      box.setAttribute("role", "status");
      var main = document.querySelector("main") || body;
      main.insertBefore(box, main.firstChild);
    }
    box.className = "alert alert-" + (kind || "info");
    box.textContent = text;
  }

  // --- her households on the phone ----------------------------------------------------------------
  function expired(snapshot) {
    return !snapshot || String(snapshot.user) !== user ||
      Date.now() - Date.parse(snapshot.signed_in_at) > WEEK_MS;
  }

  function currentSnapshot() {
    return snapshotGet().then(function (snapshot) {
      if (snapshot && expired(snapshot)) {
        return snapshotDelete().then(function () { return null; });
      }
      return snapshot || null;
    });
  }

  /* A fresh copy (and a fresh CSRF token) from the server; null when she is signed out or
     the network fails. Not fetched again within REFRESH_MS unless `force`. */
  function refreshSnapshot(force) {
    return currentSnapshot().then(function (kept) {
      if (!force && kept && Date.now() - Date.parse(kept.fetched_at) < REFRESH_MS) {
        return kept;
      }
      return fetch(SNAPSHOT_URL, {credentials: "same-origin", headers: {Accept: "application/json"}})
        .then(function (response) {
          signedOut = response.redirected;
          if (!response.ok || response.redirected) {
            return null;
          }
          return response.json().then(function (fresh) {
            fresh.fetched_at = new Date().toISOString();
            fetchedNow = true;
            return snapshotPut(fresh).then(function () { return fresh; });
          });
        })
        .catch(function () { return null; });
    });
  }

  // --- the worker and the offline pages it keeps ---------------------------------------------------
  var SHELLS = ["/offline/", "/offline/household/"];
  var fetchedNow = false;  // a fresh copy came this page: the offline pages are refreshed too

  function pause(ms) { return new Promise(function (resolve) { window.setTimeout(resolve, ms); }); }

  /* Within a time: a worker that never answers must not hold the outbox back. */
  function within(ms, promise) {
    return Promise.race([promise, pause(ms).then(function () { return null; })]);
  }

  function registerWorker(tries) {
    return navigator.serviceWorker.register("/sw.js", {scope: "/"})
      .then(function () { return within(5000, navigator.serviceWorker.ready); })
      .catch(function () {
        return tries ? pause(2000).then(function () { return registerWorker(tries - 1); }) : null;
      });
  }

  function shellsKept() {
    if (!window.caches) {
      return Promise.resolve(true);  // not a secure context: no worker either
    }
    return Promise.all(SHELLS.map(function (url) { return window.caches.match(url); }))
      .then(function (found) { return found.every(Boolean); });
  }

  function askForShells(registration) {
    return new Promise(function (resolve) {
      function kept(event) {
        if (event.data === "shells-kept") {
          navigator.serviceWorker.removeEventListener("message", kept);
          resolve();
        }
      }
      navigator.serviceWorker.addEventListener("message", kept);
      registration.active.postMessage("keep-shells");
    });
  }

  /* The offline pages are in the worker's cache (asked for again when missing or stale). */
  function ensureShells(registration, tries, force) {
    if (!registration || !registration.active || !navigator.onLine) {
      return Promise.resolve(false);
    }
    return (force ? Promise.resolve(false) : shellsKept()).then(function (kept) {
      if (kept || !tries) {
        return kept;
      }
      return within(20000, askForShells(registration)).then(function () {
        return ensureShells(registration, tries - 1, false);
      });
    });
  }

  // --- the outbox ---------------------------------------------------------------------------------
  var sending = false;
  var signedOut = false;  // the last copy asked for met the sign-in page
  var retryDelay = 2000;
  var retryTimer = null;

  /* A weak signal: try again in 2 s, 4 s … up to a minute, while something waits. */
  function retryLater() {
    if (retryTimer === null) {
      retryTimer = window.setTimeout(function () { retryTimer = null; send(); }, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 60000);
    }
  }

  function sendOne(item, token) {
    var payload = {
      client_id: item.client_id, kind: item.kind, household: item.household, fields: item.fields
    };
    return fetch(SYNC_URL, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token},
      body: JSON.stringify(payload)
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (answer) {
        if (response.ok && answer && answer.stored) {
          return outboxDelete(item.client_id).then(function () { return "stored"; });
        }
        if (answer && answer.refused) {
          item.status = "failed";
          item.reason = answer.reason;
          return outboxPut(item).then(function () { return "refused"; });
        }
        return "later";  // signed out, an old token, a server error: kept, sent later
      });
    }, function () { return "later"; });  // no answer: kept; the next try is stored once
  }

  function send() {
    if (sending || !user || !navigator.onLine) {
      return Promise.resolve();
    }
    sending = true;
    return outboxAll().then(function (items) {
      var queued = items.filter(function (i) { return String(i.user) === user && i.status === "queued"; });
      if (!queued.length) {
        return null;
      }
      return refreshSnapshot(true).then(function (snapshot) {
        if (!snapshot && signedOut) {
          notice(words.signIn, "warning");  // sent once she has signed in again
          return null;
        }
        if (!snapshot) {
          retryLater();
          return null;
        }
        var stored = 0;
        var chain = Promise.resolve("stored");
        queued.forEach(function (item) {
          chain = chain.then(function (last) {
            if (last === "later") {
              return last;
            }
            return sendOne(item, snapshot.csrf).then(function (result) {
              stored += result === "stored" ? 1 : 0;
              return result;
            });
          });
        });
        return chain.then(function (last) {
          if (stored) {
            notice(words.sent, "success");
          }
          if (last === "later") {
            retryLater();
          } else {
            retryDelay = 2000;
          }
        });
      });
    }).catch(function () { return null; }).then(function () {
      sending = false;
      return show();
    });
  }

  function fieldsOf(form) {
    var fields = {};
    var photo = false;
    new FormData(form).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken" || name === "client_id") {
        return;
      }
      if (typeof value !== "string") {
        photo = photo || value.size > 0;
        return;
      }
      if (name === "services") {
        (fields[name] = fields[name] || []).push(value);
      } else {
        fields[name] = value;
      }
    });
    return {fields: fields, photo: photo};
  }

  /* The visit form's case section becomes an item of its own. */
  function itemsOf(form, household, label) {
    var read = fieldsOf(form);
    var fields = read.fields;
    var items = [];
    var base = {household: household, label: label, user: user, status: "queued", reason: "",
                saved_at: new Date().toISOString()};
    if (fields.case_title) {
      items.push(Object.assign({}, base, {client_id: newId(), kind: "case", fields: {
        kind: fields.case_kind, title: fields.case_title, description: fields.case_description || ""
      }}));
    }
    ["case_kind", "case_title", "case_description"].forEach(function (name) { delete fields[name]; });
    var idField = form.querySelector("[name=client_id]");
    var id = (idField && idField.value) || newId();
    items.unshift(Object.assign({}, base, {client_id: id, kind: form.dataset.offline, fields: fields}));
    return {items: items, photo: read.photo};
  }

  function householdId(form) {
    return Number(form.dataset.household || new URLSearchParams(window.location.search).get("household"));
  }

  function labelOf(snapshot, id) {
    var found = snapshot && snapshot.households.filter(function (h) { return h.id === id; })[0];
    return found ? (found.number + " " + found.head).trim() : "";
  }

  function save(form) {
    var id = householdId(form);
    return currentSnapshot().then(function (snapshot) {
      var label = labelOf(snapshot, id) || form.dataset.householdLabel || String(id);
      var made = itemsOf(form, id, label);
      return Promise.all(made.items.map(outboxPut)).then(function () {
        notice(words.saved + (made.photo ? " " + words.photoDropped : ""), "success");
        form.reset();
        fillIds(form, true);
        return show();
      });
    }).then(send);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches("[data-logout]")) {
      if (!window.indexedDB) {
        return;  // nothing kept: the server's Clear-Site-Data is enough
      }
      event.preventDefault();
      outboxAll().catch(function () { return []; }).then(function (items) {
        if (items.length && !window.confirm(words.logoutConfirm)) {
          return;
        }
        wipe().catch(function () { return null; }).then(function () { form.submit(); });
      });
      return;
    }
    if (!form.dataset.offline || event.defaultPrevented) {
      return;
    }
    // The page's own form goes to the server when there is a network (with its client_id);
    // the offline page's forms always go through the outbox.
    if (!form.hasAttribute("data-shell") && navigator.onLine) {
      return;
    }
    event.preventDefault();
    save(form);
  });

  function fillIds(root, fresh) {
    root.querySelectorAll("[name=client_id]").forEach(function (input) {
      if (fresh || !input.value) {
        input.value = newId();
      }
    });
  }

  // --- the offline pages --------------------------------------------------------------------------
  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) {
      el.className = className;
    }
    if (text !== undefined) {
      el.textContent = text;
    }
    return el;
  }

  function showOutbox(items) {
    var mine = items.filter(function (i) { return String(i.user) === user; });
    var badge = document.getElementById("outbox-badge");
    if (badge) {
      badge.hidden = mine.length === 0;
      badge.querySelector("[data-outbox-count]").textContent = String(mine.length);
    }
    var list = document.querySelector("[data-outbox-list]");
    if (!list) {
      return;
    }
    list.textContent = "";
    if (!mine.length) {
      list.appendChild(element("li", "list-group-item text-muted", words.emptyOutbox));
    }
    mine.forEach(function (item) {
      var row = element("li", "list-group-item");
      row.dataset.outboxItem = item.client_id;
      row.dataset.status = item.status;
      var kind = words["kind" + item.kind.charAt(0).toUpperCase() + item.kind.slice(1)];
      row.appendChild(element("div", "fw-semibold", kind + " · " + item.label));
      if (item.status === "failed") {
        row.appendChild(element("div", "text-danger small", words.failed + item.reason));
        var remove = element("button", "btn btn-sm btn-outline-danger mt-1", words.remove);
        remove.type = "button";
        remove.dataset.remove = item.client_id;
        row.appendChild(remove);
      } else {
        row.appendChild(element("div", "text-muted small", words.queued));
      }
      list.appendChild(row);
    });
  }

  function showHouseholds(snapshot) {
    var list = document.querySelector("[data-households-list]");
    if (list) {
      list.textContent = "";
      var households = snapshot ? snapshot.households : [];
      if (!households.length) {
        list.appendChild(element("li", "list-group-item text-muted", words.noHouseholds));
      }
      households.forEach(function (h) {
        var row = element("li", "list-group-item d-flex align-items-center gap-2");
        row.dataset.household = String(h.id);
        var text = element("div", "flex-grow-1");
        text.appendChild(element("div", "fw-semibold", h.number + " " + h.head));
        var details = [h.address].concat(h.categories);
        if (h.due) {
          details.push(words.due + " " + h.due);
        }
        text.appendChild(element("div", "small text-muted", details.filter(Boolean).join(" · ")));
        var link = element("a", "btn btn-primary", words.visitLink);
        link.href = "/visits/new/?household=" + h.id;
        row.appendChild(text);
        row.appendChild(link);
        list.appendChild(row);
      });
    }
    var saved = document.querySelector("[data-saved-at]");
    if (saved && snapshot) {
      saved.textContent = new Date(snapshot.saved_at).toLocaleString();
    }
    var label = document.querySelector("[data-household-label]");
    if (label) {
      var id = Number(new URLSearchParams(window.location.search).get("household"));
      label.textContent = labelOf(snapshot, id) || words.unknownHousehold;
    }
  }

  function show() {
    return Promise.all([outboxAll(), currentSnapshot()]).then(function (read) {
      showOutbox(read[0]);
      showHouseholds(read[1]);
    }).catch(function () { return null; });
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target.dataset && target.dataset.remove) {
      outboxDelete(target.dataset.remove).then(show);
    } else if (target.matches && target.matches("[data-outbox-send]")) {
      send();
    }
  });

  // --- start --------------------------------------------------------------------------------------
  if (!window.indexedDB) {
    return;
  }
  if (body.hasAttribute("data-signed-out")) {
    snapshotDelete().catch(function () { return null; });  // her households leave with her
    return;
  }
  if (!user) {
    return;  // a role that does not record visits
  }
  fillIds(document, false);
  window.addEventListener("online", send);
  // One step after the other (a weak network, and the test server, serve one thing at a time):
  // the worker (a few seconds at most), her households, the outbox, the offline pages.
  var worker = navigator.serviceWorker ? registerWorker(2) : Promise.resolve(null);
  show().then(function () { return worker; }).then(function (registration) {
    if (!navigator.onLine) {
      return null;
    }
    return refreshSnapshot(false).then(show).then(send).then(function () {
      // installed by now (or still installing on a weak network: wait a while for it)
      return registration || within(20000, navigator.serviceWorker.ready);
    }).then(function (active) {
      return ensureShells(active, 2, fetchedNow);
    });
  }).catch(function () { return null; }).then(function () {
    body.dataset.offlineReady = "";  // what the phone keeps is kept (the browser tests wait for it)
  });
})();
