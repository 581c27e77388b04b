// werkbank: offline saving and the printed address. Everything works without this
// script; it only adds what needs one: a service worker so that visited pages open
// offline, the "save for offline" box on trade pages, the list of saved trades on the
// offline page, and the full address on printouts. Texts come from the page's
// data-msg-* attributes (the server's catalogue), never from here.
(function () {
  'use strict';

  var url = location.href.split('#')[0];
  document.querySelectorAll('[data-print-url]').forEach(function (el) {
    el.textContent = url;
  });

  if (!('serviceWorker' in navigator) || !window.caches || !window.fetch) return;
  navigator.serviceWorker.register('/sw.js').catch(function () {});

  var lang = document.documentElement.lang === 'en' ? 'en' : 'de';
  var META = 'werkbank-meta';
  var LIST = '/__werkbank/gespeichert.json';
  var SAVED_PREFIX = 'werkbank-saved-';
  // Parallel downloads while saving: enough for a phone, gentle on a small server.
  var PARALLEL = 4;

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) {
      return key in values ? String(values[key]) : '';
    });
  }

  function size(bytes) {
    var format = function (n) {
      return new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(n);
    };
    if (bytes < 1024 * 1024) return format(Math.max(1, Math.ceil(bytes / 1024))) + ' KB';
    return format(bytes / (1024 * 1024)) + ' MB';
  }

  function readList() {
    return caches.open(META)
      .then(function (cache) { return cache.match(LIST); })
      .then(function (hit) { return hit ? hit.json() : []; })
      .catch(function () { return []; });
  }

  function writeList(list) {
    return caches.open(META).then(function (cache) {
      return cache.put(LIST, new Response(JSON.stringify(list), {
        headers: { 'Content-Type': 'application/json' }
      }));
    });
  }

  function used() {
    if (!navigator.storage || !navigator.storage.estimate) return Promise.resolve(null);
    return navigator.storage.estimate().then(function (e) { return e.usage; }, function () { return null; });
  }

  function pageUrl(path) {
    return lang === 'en' ? '/en' + path : path;
  }

  var box = document.getElementById('offline-speichern');
  if (box) setUpSaveBox(box);
  var savedList = document.getElementById('offline-liste');
  if (savedList) showSaved(savedList);

  function setUpSaveBox(box) {
    var trade = box.getAttribute('data-trade');
    var save = box.querySelector('[data-offline-save]');
    var remove = box.querySelector('[data-offline-remove]');
    var progress = box.querySelector('progress');
    var status = box.querySelector('.offline-status');
    box.hidden = false;

    readList().then(function (list) {
      var entry = list.find(function (e) { return e.trade === trade && e.lang === lang; });
      if (!entry) return;
      remove.hidden = false;
      return used().then(function (usage) {
        status.textContent = fill(box.getAttribute('data-msg-done'), {
          total: entry.count, size: size(entry.bytes),
          used: usage === null ? '?' : size(usage), version: entry.content_version
        });
      });
    });

    save.addEventListener('click', function () {
      save.disabled = true;
      progress.hidden = false;
      progress.value = 0;
      saveTrade(trade, function (done, total, bytes) {
        progress.value = Math.round(100 * done / total);
        status.textContent = fill(box.getAttribute('data-msg-progress'), {
          done: done, total: total, size: size(bytes)
        });
      }).then(function (entry) {
        remove.hidden = false;
        return used().then(function (usage) {
          status.textContent = fill(box.getAttribute('data-msg-done'), {
            total: entry.count, size: size(entry.bytes),
            used: usage === null ? '?' : size(usage), version: entry.content_version
          });
        });
      }, function () {
        status.textContent = box.getAttribute('data-msg-failed');
      }).then(function () {
        save.disabled = false;
        progress.hidden = true;
      });
    });

    remove.addEventListener('click', function () {
      removeTrade(trade).then(function () {
        remove.hidden = true;
        save.focus();
        status.textContent = box.getAttribute('data-msg-removed');
      });
    });
  }

  // Fetches the trade's list, stores every page and file, and records the trade so
  // that the service worker stores it again after a content update.
  function saveTrade(trade, onProgress) {
    return fetch('/api/v1/offline/' + encodeURIComponent(trade), { cache: 'no-store' })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (bundle) {
        var urls = bundle.pages.map(pageUrl).concat(bundle.files);
        var done = 0;
        var bytes = 0;
        return caches.open(bundle.cache).then(function (cache) {
          var queue = urls.slice();
          function next() {
            var u = queue.shift();
            if (u === undefined) return Promise.resolve();
            return fetch(u, { cache: 'no-cache' }).then(function (response) {
              if (!response.ok) throw new Error(u + ': ' + response.status);
              return response.clone().blob().then(function (blob) {
                bytes += blob.size;
                return cache.put(u, response);
              });
            }).then(function () {
              done += 1;
              onProgress(done, urls.length, bytes);
              return next();
            });
          }
          var workers = [];
          for (var i = 0; i < PARALLEL; i++) workers.push(next());
          return Promise.all(workers);
        }).then(function () {
          var entry = {
            trade: bundle.trade, name: bundle.name, lang: lang, count: urls.length,
            bytes: bytes, date: new Date().toISOString(), content_version: bundle.content_version,
            url: pageUrl(bundle.url)
          };
          return readList().then(function (list) {
            list = list.filter(function (e) { return !(e.trade === trade && e.lang === lang); });
            list.push(entry);
            return writeList(list);
          }).then(function () { return entry; });
        });
      });
  }

  function removeTrade(trade) {
    return fetch('/api/v1/offline/' + encodeURIComponent(trade), { cache: 'no-store' })
      .then(function (r) { return r.ok ? r.json() : { pages: [], files: [] }; }, function () { return { pages: [], files: [] }; })
      .then(function (bundle) {
        var urls = bundle.pages.map(pageUrl).concat(bundle.files);
        return caches.keys().then(function (names) {
          return Promise.all(names.filter(function (n) { return n.indexOf(SAVED_PREFIX) === 0; })
            .map(function (n) {
              return caches.open(n).then(function (cache) {
                return Promise.all(urls.map(function (u) { return cache.delete(u); }));
              });
            }));
        });
      })
      .then(readList)
      .then(function (list) {
        return writeList(list.filter(function (e) { return !(e.trade === trade && e.lang === lang); }));
      });
  }

  function showSaved(ul) {
    readList().then(function (list) {
      if (!list.length) return;
      var nothing = document.getElementById('offline-nichts');
      if (nothing) nothing.hidden = true;
      list.forEach(function (entry) {
        var li = document.createElement('li');
        var a = document.createElement('a');
        a.href = entry.url;
        a.lang = 'de';
        a.textContent = entry.name;
        var p = document.createElement('p');
        p.textContent = fill(ul.getAttribute('data-msg-item'), {
          count: entry.count, size: size(entry.bytes),
          date: new Date(entry.date).toLocaleDateString(lang)
        });
        li.appendChild(a);
        li.appendChild(p);
        ul.appendChild(li);
      });
    });
  }
})();
