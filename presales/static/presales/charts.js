/* Dashboard charts: show a data point's value on hover, focus or tap.
   The charts are pygal SVGs rendered on the server without pygal's own (CDN) script; every data point is
   an element with class "tooltip-trigger" followed by <desc class="value"> and <desc class="x_label">.
   The same numbers are in the table beside each chart, so nothing depends on this script. */
(function () {
  "use strict";

  var tip = null;

  function tipElement() {
    if (!tip) {
      tip = document.createElement("div");
      tip.className = "chart-tip";
      tip.setAttribute("role", "status");
      tip.hidden = true;
      document.body.appendChild(tip);
    }
    return tip;
  }

  function descText(group, name) {
    var node = group.querySelector("desc." + name);
    return node ? node.textContent.trim() : "";
  }

  function seriesName(svg, point) {
    var series = point.closest(".series");
    if (!series) { return ""; }
    var match = /serie-(\d+)/.exec(series.getAttribute("class") || "");
    if (!match) { return ""; }
    var legend = svg.querySelector("#activate-serie-" + match[1] + " text");
    return legend ? legend.textContent.trim() : "";
  }

  function show(svg, trigger, clientX, clientY) {
    var group = trigger.parentNode;
    var value = descText(group, "value");
    if (!value) { return; }
    var label = descText(group, "x_label");
    var name = seriesName(svg, trigger);
    var element = tipElement();
    element.textContent = "";
    var heading = document.createElement("strong");
    heading.textContent = [label, name].filter(Boolean).join(" · ") || svg.getAttribute("aria-label") || "";
    var figure = document.createElement("span");
    figure.textContent = value;
    element.appendChild(heading);
    element.appendChild(figure);
    element.hidden = false;
    var box = element.getBoundingClientRect();
    var left = Math.min(window.innerWidth - box.width - 8, Math.max(8, clientX - box.width / 2));
    var top = clientY - box.height - 12;
    if (top < 8) { top = clientY + 16; }
    element.style.left = (left + window.scrollX) + "px";
    element.style.top = (top + window.scrollY) + "px";
    svg.querySelectorAll(".tooltip-trigger.chart-active").forEach(function (node) {
      node.classList.remove("chart-active");
    });
    trigger.classList.add("chart-active");
  }

  function hide() {
    if (tip) { tip.hidden = true; }
    document.querySelectorAll(".tooltip-trigger.chart-active").forEach(function (node) {
      node.classList.remove("chart-active");
    });
  }

  function init(svg) {
    if (svg.dataset.chartReady) { return; }
    svg.dataset.chartReady = "1";
    svg.querySelectorAll(".tooltip-trigger").forEach(function (trigger) {
      trigger.setAttribute("tabindex", "0");
      trigger.addEventListener("mousemove", function (event) { show(svg, trigger, event.clientX, event.clientY); });
      trigger.addEventListener("mouseleave", hide);
      trigger.addEventListener("focus", function () {
        var box = trigger.getBoundingClientRect();
        show(svg, trigger, box.left + box.width / 2, box.top);
      });
      trigger.addEventListener("blur", hide);
      // A tap on a phone: show the value where the finger is, without a hover.
      trigger.addEventListener("click", function (event) {
        event.stopPropagation();
        show(svg, trigger, event.clientX, event.clientY);
      });
    });
  }

  function initAll(root) {
    (root || document).querySelectorAll(".insight-chart svg").forEach(init);
  }

  document.addEventListener("click", hide);
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") { hide(); } });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { initAll(); });
  } else {
    initAll();
  }
  document.addEventListener("htmx:afterSwap", function (event) { initAll(event.target); });
  window.presalesCharts = { init: initAll };
})();
