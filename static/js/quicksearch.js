/* Keyboard use of the header's quick search (templates/search/_quick_form.html), and "/" to focus a
   search box from anywhere. "/" focuses the quick search, or the search page's own box, unless the
   user is typing in a field. In the quick search, ArrowDown and ArrowUp move through the links of the
   drop-down (the last one is "All results"), Enter opens the highlighted link (with none highlighted
   the form is submitted as usual: the full search page), Escape closes the drop-down, then leaves the
   box. Links are highlighted with aria-selected and the input's aria-activedescendant. */
(function () {
  "use strict";

  function isTyping(target) {
    if (!target || !target.closest) return false;
    return Boolean(target.isContentEditable || target.closest("input, textarea, select, [contenteditable]"));
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
    var box = document.querySelector(".quick-search input[name=q], #search-q");
    if (!box) return;
    event.preventDefault();
    box.focus();
    box.select();
  });

  function links(form) {
    return Array.prototype.slice.call(form.querySelectorAll(".quick-results a"));
  }

  function highlight(input, items, index) {
    items.forEach(function (link, position) {
      link.setAttribute("aria-selected", position === index ? "true" : "false");
      link.classList.toggle("active", position === index);
    });
    if (index >= 0) {
      if (!items[index].id) items[index].id = "quick-option-" + index;
      input.setAttribute("aria-activedescendant", items[index].id);
      items[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function current(items) {
    for (var i = 0; i < items.length; i++) {
      if (items[i].getAttribute("aria-selected") === "true") return i;
    }
    return -1;
  }

  function setup(form) {
    var input = form.querySelector("input[name=q]");
    var results = form.querySelector(".quick-results");
    if (!input || !results) return;
    input.setAttribute("aria-controls", results.id || (results.id = "quick-results"));
    input.addEventListener("keydown", function (event) {
      var items = links(form);
      var index = current(items);
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!items.length) return;
        event.preventDefault();
        var next = index + (event.key === "ArrowDown" ? 1 : -1);
        if (next >= items.length) next = 0;
        if (next < 0) next = items.length - 1;
        highlight(input, items, next);
      } else if (event.key === "Enter" && index >= 0) {
        event.preventDefault();
        window.location.assign(items[index].href);
      } else if (event.key === "Escape") {
        if (items.length) {
          event.preventDefault();
          results.replaceChildren();
          input.removeAttribute("aria-activedescendant");
        } else {
          input.blur();
        }
      }
    });
    results.addEventListener("htmx:afterSwap", function () {
      input.removeAttribute("aria-activedescendant");
    });
  }

  document.querySelectorAll(".quick-search").forEach(setup);
})();
