/* Presales Hub's own script: small progressive enhancements. Every page works without it. */
(function () {
  "use strict";

  // Kanban: drag a card to another column to move the deal to that stage. The card's own form
  // (a select and a button) does the same without a mouse, so phones and keyboards work too.
  function initBoard(root) {
    root.querySelectorAll(".deal-card[draggable]").forEach(function (card) {
      card.addEventListener("dragstart", function (event) {
        card.classList.add("dragging");
        event.dataTransfer.setData("text/plain", card.id);
        event.dataTransfer.effectAllowed = "move";
      });
      card.addEventListener("dragend", function () { card.classList.remove("dragging"); });
    });
    root.querySelectorAll(".column[data-stage]").forEach(function (column) {
      column.addEventListener("dragover", function (event) { event.preventDefault(); column.classList.add("drop-target"); });
      column.addEventListener("dragleave", function () { column.classList.remove("drop-target"); });
      column.addEventListener("drop", function (event) {
        event.preventDefault();
        column.classList.remove("drop-target");
        var card = document.getElementById(event.dataTransfer.getData("text/plain"));
        if (!card || card.closest(".column") === column) { return; }
        var form = card.querySelector("form.move-form");
        form.querySelector("select[name=stage]").value = column.dataset.stage;
        if (window.htmx) { htmx.trigger(form, "submit"); } else { form.submit(); }
      });
    });
  }

  // Confirm destructive actions: <form data-confirm="Are you sure?">
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  }, true);

  // Links shown once (calendar feed, POC customer link): select the whole text on focus or click, ready to copy.
  function selectAll(event) {
    var target = event.target;
    if (target && target.hasAttribute && target.hasAttribute("data-select-on-focus")) { target.select(); }
  }
  document.addEventListener("focusin", selectAll);
  document.addEventListener("click", selectAll);

  // Filter forms submit themselves when a select changes.
  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest("form.filters");
    if (form && event.target.tagName === "SELECT") { form.requestSubmit(); }
  });

  // Menus built on <details> (the navigation's More, filter bars on a phone): close on a click outside or Escape.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.navmore[open]").forEach(function (menu) {
      var summary = menu.querySelector("summary");
      var panel = menu.querySelector(".navmenu");
      if (!summary.contains(event.target) && !(panel && panel.contains(event.target))) { menu.removeAttribute("open"); }
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    document.querySelectorAll("details.navmore[open]").forEach(function (menu) {
      menu.removeAttribute("open");
      menu.querySelector("summary").focus();
    });
  });

  // Filter bars on a phone: fold the fields under "Filters" unless one is set (they are open without JS).
  function foldFilters(root) {
    if (!window.matchMedia || !window.matchMedia("(max-width: 700px)").matches) { return; }
    root.querySelectorAll("details.filter-fields[open]").forEach(function (details) {
      if (!details.dataset.filtered) { details.removeAttribute("open"); }
    });
  }

  function init(root) {
    if (root.querySelectorAll) { foldFilters(root); }
    if (root.querySelector && (root.querySelector(".board") || root.classList && root.classList.contains("board"))) { initBoard(root); }
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSettle", function (event) { init(event.target); });
})();

// Deal page (issue 14): a quick action pointing at a folded form (data-open-details="<id>") unfolds it and the
// section around it, then moves focus into it; a link to #id does the same when the page opens on that fragment.
(function () {
  "use strict";
  function unfold(id, onlyFolded) {
    var target = document.getElementById(id);
    if (!target) { return false; }
    var folded = false;
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS" && !node.open) { node.open = true; folded = true; }
    }
    if (onlyFolded && !folded) { return false; }
    target.scrollIntoView({ block: "start" });
    var field = target.querySelector("select, input:not([type=hidden]), textarea");
    if (field) { field.focus({ preventScroll: true }); }
    return true;
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-open-details]");
    if (link && unfold(link.getAttribute("data-open-details"), false)) { event.preventDefault(); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    if (window.location.hash.length > 1) { unfold(decodeURIComponent(window.location.hash.slice(1)), true); }
  });
})();
