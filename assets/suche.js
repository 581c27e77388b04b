// Suggestions for the search boxes (progressive enhancement).
//
// Without JavaScript every search box is a plain form. With it, typing shows titles and
// words from /api/v1/suggest in an ARIA combobox: arrow keys move through the list,
// Enter opens a title or searches for a word, Escape closes, and a live region tells
// screen readers how many suggestions there are.
(function () {
  "use strict";
  var DELAY_MS = 120;
  var counter = 0;

  function enhance(input) {
    var form = input.form;
    if (!form || input.dataset.suggest === "off") return;
    counter += 1;
    var listId = "vorschlaege-" + counter;
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Vorschläge");
    list.hidden = true;
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    input.parentNode.classList.add("has-suggestions");
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");

    var items = [];
    var active = -1;
    var timer = null;
    var pending = null;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function choose(item) {
      if (item.url) {
        window.location.href = item.url;
      } else {
        input.value = item.text;
        close();
        form.submit();
      }
    }

    function highlight(index) {
      var options = list.children;
      for (var i = 0; i < options.length; i++) {
        options[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function show(suggestions) {
      items = suggestions;
      list.textContent = "";
      suggestions.forEach(function (item, i) {
        var option = document.createElement("li");
        option.id = listId + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.className = item.kind === "title" ? "suggestion-title" : "suggestion-term";
        option.textContent = item.text;
        if (item.kind === "title") {
          var hint = document.createElement("span");
          hint.className = "visually-hidden";
          hint.textContent = " (Seite öffnen)";
          option.appendChild(hint);
        }
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(item);
        });
        list.appendChild(option);
      });
      active = -1;
      if (suggestions.length === 0) {
        close();
        status.textContent = "";
        return;
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      status.textContent = suggestions.length === 1
        ? "1 Vorschlag, mit Pfeiltasten auswählen"
        : suggestions.length + " Vorschläge, mit Pfeiltasten auswählen";
    }

    function fetchSuggestions() {
      var value = input.value.trim();
      if (value.length < 2) {
        show([]);
        return;
      }
      if (pending) pending.abort();
      pending = new AbortController();
      fetch("/api/v1/suggest?q=" + encodeURIComponent(value), { signal: pending.signal })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) {
          if (input.value.trim() === value) show(data.suggestions || []);
        })
        .catch(function () { /* offline or aborted: the plain form still works */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden && event.key === "ArrowDown" && items.length > 0) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
      if (list.hidden) return;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight((active + 1) % items.length);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active <= 0 ? items.length - 1 : active - 1);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        choose(items[active]);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () {
      setTimeout(close, 100);
    });
  }

  document.querySelectorAll('form[role="search"] input[name="q"]').forEach(enhance);
})();
