// The team calendar: drag a booking chip onto another cell (engineer, day, or hour in the day view) to move it.
// The server re-checks clashes; a refusal is shown in the page's alert, a success reloads the calendar.
// Keyboard and screen-reader users open the booking (a link) and move it with its form.
(function () {
  "use strict";
  function csrfToken() {
    var headers = document.body.getAttribute("hx-headers");
    try { return JSON.parse(headers)["X-CSRFToken"]; } catch (error) { return ""; }
  }
  function showMessage(text) {
    var box = document.getElementById("calendar-message");
    if (!box) { return; }
    box.textContent = text;
    box.hidden = false;
  }
  function init() {
    var calendar = document.querySelector("[data-calendar]");
    if (!calendar) { return; }
    var dragged = null;
    calendar.addEventListener("dragstart", function (event) {
      var chip = event.target.closest ? event.target.closest("[data-booking]") : null;
      if (!chip) { return; }
      dragged = chip;
      chip.classList.add("is-dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", chip.getAttribute("data-booking"));
    });
    calendar.addEventListener("dragend", function () {
      if (dragged) { dragged.classList.remove("is-dragging"); }
      dragged = null;
    });
    calendar.addEventListener("dragover", function (event) {
      var cell = event.target.closest ? event.target.closest("[data-drop]") : null;
      if (!cell || !dragged) { return; }
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      cell.classList.add("is-drop-target");
    });
    calendar.addEventListener("dragleave", function (event) {
      var cell = event.target.closest ? event.target.closest("[data-drop]") : null;
      if (cell) { cell.classList.remove("is-drop-target"); }
    });
    calendar.addEventListener("drop", function (event) {
      var cell = event.target.closest ? event.target.closest("[data-drop]") : null;
      if (!cell || !dragged) { return; }
      event.preventDefault();
      cell.classList.remove("is-drop-target");
      var body = new URLSearchParams();
      body.set("engineer", cell.getAttribute("data-engineer"));
      body.set("date", cell.getAttribute("data-date"));
      if (cell.hasAttribute("data-hour")) { body.set("hour", cell.getAttribute("data-hour")); }
      fetch(dragged.getAttribute("data-move-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/x-www-form-urlencoded" },
        body: body.toString()
      }).then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok && data.ok, message: data.message }; });
      }).then(function (result) {
        if (result.ok) { window.location.reload(); } else { showMessage(result.message); }
      }).catch(function () { showMessage(calendar.getAttribute("data-error") || "Error"); });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
