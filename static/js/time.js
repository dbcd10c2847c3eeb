/* Times in the browser's locale and the user's time zone (<html data-tk-tz>): every
   <time data-tk-time> the server rendered (core/templatetags/when.py), on load and after every htmx
   swap, and every time rendered live (messaging.js calls trackeepTime.element). One formatter, so a
   time looks the same wherever it comes from. */
(function () {
  "use strict";

  var zone = document.documentElement.dataset.tkTz || undefined;
  var cache = {};

  function formatter(kind) {
    if (!cache[kind]) {
      var options = kind === "datetime" ? { dateStyle: "medium", timeStyle: "short" } : { dateStyle: "medium" };
      // A calendar date ("2026-11-30") is the same day everywhere: read and shown in UTC.
      options.timeZone = kind === "date" ? "UTC" : zone;
      try { cache[kind] = new Intl.DateTimeFormat(undefined, options); }
      catch (e) { delete options.timeZone; cache[kind] = new Intl.DateTimeFormat(undefined, options); }
    }
    return cache[kind];
  }

  function format(iso, kind) {
    var date = new Date(iso);
    return isNaN(date) ? "" : formatter(kind || "datetime").format(date);
  }

  function apply(root) {
    (root || document).querySelectorAll("time[data-tk-time]").forEach(function (node) {
      var text = format(node.getAttribute("datetime"), node.dataset.tkTime);
      if (text) node.textContent = text;
    });
  }

  function element(iso, kind) {
    var node = document.createElement("time");
    node.setAttribute("datetime", iso);
    node.dataset.tkTime = kind || "datetime";
    node.textContent = format(iso, kind);
    return node;
  }

  window.trackeepTime = { format: format, element: element, apply: apply };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { apply(); });
  else apply();
  document.addEventListener("htmx:load", function (event) { apply(event.target); });
})();
