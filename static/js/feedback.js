/* Every htmx request that fails says so: a toast (an ARIA live region) with what went wrong.
   Rate limited (429): "Too many requests: try again in 45 seconds." from Retry-After. Other 4xx/5xx:
   the server's JSON "detail"/"error" when it sent one, else a plain sentence by status. No answer at
   all (offline, server down, timeout): a connection message. Forms that show their own 4xx answer in
   place (data-swap-errors, see content.js) are swapped instead and never reach here. */
(function () {
  "use strict";

  var SHOW_MS = 10000;

  function region() {
    var box = document.querySelector("[data-tk-toasts]");
    if (!box) {
      box = document.createElement("div");
      box.className = "toasts";
      box.setAttribute("data-tk-toasts", "");
      box.setAttribute("aria-live", "assertive");
      document.body.appendChild(box);
    }
    return box;
  }

  function toast(text, kind) {
    var item = document.createElement("div");
    item.className = "toast " + (kind || "error");
    item.setAttribute("role", "alert");
    var words = document.createElement("span");
    words.textContent = text;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "toast-close";
    close.setAttribute("aria-label", "Dismiss");
    close.textContent = "×";
    close.addEventListener("click", function () { item.remove(); });
    item.appendChild(words);
    item.appendChild(close);
    region().appendChild(item);
    setTimeout(function () { item.remove(); }, SHOW_MS);
    return item;
  }

  function waitText(seconds) {
    var units = [["hour", 3600], ["minute", 60]];
    for (var i = 0; i < units.length; i++) {
      if (seconds >= units[i][1]) {
        var n = Math.ceil(seconds / units[i][1]);
        return n + " " + units[i][0] + (n === 1 ? "" : "s");
      }
    }
    return seconds + " second" + (seconds === 1 ? "" : "s");
  }

  function serverDetail(xhr) {
    var type = xhr.getResponseHeader("Content-Type") || "";
    if (type.indexOf("application/json") === -1) return "";
    try {
      var data = JSON.parse(xhr.responseText);
      return typeof data.detail === "string" ? data.detail : typeof data.error === "string" ? data.error : "";
    } catch (e) { return ""; }
  }

  function describe(xhr) {
    var status = xhr.status;
    if (status === 429) {
      var retry = parseInt(xhr.getResponseHeader("Retry-After") || "", 10);
      return "Too many requests: try again in " + waitText(retry > 0 ? retry : 60) + ". Nothing was changed.";
    }
    var detail = serverDetail(xhr);
    if (detail && status < 500) return detail;
    if (status === 403) return "That is not allowed, or your session has ended: reload the page and try again.";
    if (status === 404) return "That item no longer exists: reload the page to see the current list.";
    if (status === 413) return "That was too large to send.";
    if (status >= 500) return "Something went wrong on the server (error " + status + "). Nothing was lost: please try again.";
    return "That did not work (error " + status + "). Please try again.";
  }

  document.addEventListener("htmx:responseError", function (event) { toast(describe(event.detail.xhr)); });
  document.addEventListener("htmx:sendError", function () {
    toast("Trackeep could not be reached. Check your connection and try again.");
  });
  document.addEventListener("htmx:timeout", function () {
    toast("Trackeep took too long to answer. Please try again.");
  });

  window.trackeepToast = toast;
})();
