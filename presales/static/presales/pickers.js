/* Type-ahead pickers (core/pickers.py): Tom Select on every select[data-picker-url], searching on the server.
   Loaded from a file, never inline, so a strict Content-Security-Policy holds. The texts come from the widget's
   data attributes, already in the reader's language. */
(function () {
  "use strict";

  function start(select) {
    if (select.tomselect || typeof window.TomSelect !== "function") {
      return;
    }
    // Tom Select points the <label> at its own search box: the hidden <select> keeps its name as aria-label.
    var label = select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
    if (label && !select.hasAttribute("aria-label")) {
      select.setAttribute("aria-label", label.textContent.trim());
    }
    var url = select.dataset.pickerUrl;
    var separator = url.indexOf("?") === -1 ? "?" : "&";
    new window.TomSelect(select, {
      valueField: "value",
      labelField: "text",
      searchField: [],
      // The server has already matched every word (in names, accounts, aliases): keep its order and its results.
      score: function () {
        return function () {
          return 1;
        };
      },
      preload: "focus",
      loadThrottle: 250,
      maxOptions: 50,
      allowEmptyOption: !select.multiple,
      placeholder: select.dataset.pickerPlaceholder,
      plugins: select.multiple ? ["remove_button"] : [],
      shouldLoad: function () {
        return true;
      },
      load: function (query, callback) {
        fetch(url + separator + "q=" + encodeURIComponent(query), {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        })
          .then(function (response) {
            return response.ok ? response.json() : { results: [] };
          })
          .then(function (data) {
            callback(data.results);
          })
          .catch(function () {
            callback();
          });
      },
      render: {
        option: function (item, escape) {
          var hint = item.hint ? ' <small class="muted">' + escape(item.hint) + "</small>" : "";
          return "<div>" + escape(item.text) + hint + "</div>";
        },
        no_results: function () {
          var div = document.createElement("div");
          div.className = "no-results";
          div.textContent = select.dataset.pickerNoResults || "";
          return div;
        },
      },
    });
  }

  function startAll(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("select[data-picker-url]").forEach(start);
  }

  document.addEventListener("DOMContentLoaded", function () {
    startAll(document);
  });
  // Content htmx swaps in (a list's results, a form re-rendered) gets its pickers too.
  document.addEventListener("htmx:load", function (event) {
    startAll(event.target);
  });
})();
